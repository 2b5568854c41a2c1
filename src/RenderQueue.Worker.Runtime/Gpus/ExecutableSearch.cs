namespace RenderQueue.Worker.Runtime.Gpus;

/// <summary>Finds a program the way a shell does: a name with a folder is taken as is, a bare name is looked up on <c>PATH</c>.</summary>
public static class ExecutableSearch
{
    public static string? Find(string executable, string? searchPath)
    {
        if (executable.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(executable))
            return IsExecutable(executable) ? Path.GetFullPath(executable) : null;
        foreach (var folder in (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, executable);
            if (IsExecutable(candidate)) return candidate;
            if (OperatingSystem.IsWindows() && IsExecutable(candidate + ".exe")) return candidate + ".exe";
        }
        return null;
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
