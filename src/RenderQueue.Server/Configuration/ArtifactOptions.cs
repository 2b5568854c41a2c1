namespace RenderQueue.Server.Configuration;

/// <summary>Where uploaded outputs live (configuration section <c>Artifacts</c>).</summary>
public sealed class ArtifactOptions : IValidatedOptions
{
    public const string Section = "Artifacts";

    /// <summary>The folder of artifacts, one subfolder per job; relative to the working directory.
    /// Default <c>data/artifacts</c>.</summary>
    public string Folder { get; set; } = "data/artifacts";

    /// <summary>The folder as an absolute path.</summary>
    public string FullPath => Path.GetFullPath(Folder);

    public IEnumerable<string> Validate(string section)
    {
        if (string.IsNullOrWhiteSpace(Folder))
            yield return $"{section}:Folder must name a folder; it is empty.";
        else if (Folder.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            yield return $"{section}:Folder is not a valid path: '{Folder}'.";
    }
}
