namespace RenderQueue.Core.Api;

/// <summary>
/// The rule for artifact file names: one path segment of printable characters, so a name can never
/// escape its job's folder on any file system.
/// </summary>
public static class ArtifactNames
{
    public const int MaxLength = 200;

    /// <summary>True when <paramref name="name"/> is safe to use as a file name inside a job's folder.</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength) return false;
        if (name is "." or ".." || name.StartsWith('.') || name.EndsWith('.') || name.EndsWith(' ')) return false;
        if (!name.IsNormalized(System.Text.NormalizationForm.FormC)) return false;
        foreach (var c in name)
        {
            if (char.IsControl(c) || char.IsSurrogate(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|') return false;
            if (char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.LineSeparator
                or System.Globalization.UnicodeCategory.ParagraphSeparator
                or System.Globalization.UnicodeCategory.PrivateUse) return false;
        }
        return true;
    }
}
