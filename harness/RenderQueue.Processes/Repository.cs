namespace RenderQueue.Processes;

/// <summary>The clone the tests and the bench run from: the folder holding <c>RenderQueue.slnx</c>.</summary>
public static class Repository
{
    /// <summary>
    /// The repository above the current directory or the running assembly's folder; null when neither is inside one
    /// (an installed bench).
    /// </summary>
    public static string? TryFindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "RenderQueue.slnx"))) return folder.FullName;
            }
        }
        return null;
    }

    /// <summary>The repository's root; fails, saying so, when the caller does not run from a clone.</summary>
    public static string Root => TryFindRoot()
        ?? throw new InvalidOperationException($"No RenderQueue.slnx above {AppContext.BaseDirectory}: this reads the repository's files and must run from a clone.");

    /// <summary>A path inside the repository, e.g. <c>PathOf("docs", "api.md")</c>.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);
}
