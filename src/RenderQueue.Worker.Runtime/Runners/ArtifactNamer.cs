using System.Text;
using RenderQueue.Core.Api;

namespace RenderQueue.Worker.Runtime.Runners;

/// <summary>
/// Turns backend file names (which may have subfolders or odd characters) into artifact names that the server
/// accepts, unique within one run: <c>sub/dir/a.png</c> becomes <c>sub_dir_a.png</c>; a repeat becomes <c>a-2.png</c>.
/// </summary>
public sealed class ArtifactNamer
{
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    public string Next(string candidate)
    {
        var name = Sanitize(candidate);
        if (_used.Add(name)) return name;
        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name);
        for (var n = 2; ; n++)
        {
            var numbered = Fit($"{stem}-{n}", extension);
            if (_used.Add(numbered)) return numbered;
        }
    }

    private static string Sanitize(string candidate)
    {
        var builder = new StringBuilder(candidate.Length);
        foreach (var c in candidate.Normalize(NormalizationForm.FormC))
        {
            var unsafeChar = char.IsControl(c) || char.IsSurrogate(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|'
                || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format
                    or System.Globalization.UnicodeCategory.LineSeparator
                    or System.Globalization.UnicodeCategory.ParagraphSeparator
                    or System.Globalization.UnicodeCategory.PrivateUse;
            builder.Append(unsafeChar ? '_' : c);
        }
        var name = builder.ToString().Trim().TrimStart('.').TrimEnd('.', ' ');
        if (name.Length == 0) name = "output";
        name = Fit(Path.GetFileNameWithoutExtension(name), Path.GetExtension(name));
        return ArtifactNames.IsValid(name) ? name : "output";
    }

    private static string Fit(string stem, string extension)
    {
        if (extension.Length > 20) extension = "";
        var room = ArtifactNames.MaxLength - extension.Length;
        return (stem.Length > room ? stem[..room] : stem) + extension;
    }
}
