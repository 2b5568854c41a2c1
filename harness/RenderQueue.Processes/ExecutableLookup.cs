namespace RenderQueue.Processes;

/// <summary>Finds programs that tests start; a missing one fails the test with what to install.</summary>
public static class ExecutableLookup
{
    /// <summary>The full path of <paramref name="name"/> from PATH or the usual system folders.</summary>
    /// <exception cref="InvalidOperationException">It is not installed; the message says how to install it.</exception>
    public static string Require(string name, string package)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]);
        foreach (var folder in folders)
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            $"'{name}' is required here (a test or the bench) but is not installed. Install it with 'apt-get install -y {package}' (./test.sh does this for the tests).");
    }
}
