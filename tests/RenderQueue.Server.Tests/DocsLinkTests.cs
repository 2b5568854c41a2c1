using System.Text.RegularExpressions;
using RenderQueue.Processes;

namespace RenderQueue.Server.Tests;

/// <summary>
/// The project's docs stand on their own: every relative link in README.md and docs/ names a file in the repository,
/// and nothing points at material outside it (the steering folder beside the clone is not part of the project).
/// </summary>
public sealed partial class DocsLinkTests
{
    public static TheoryData<string> Documents()
    {
        var root = Repository.Root;
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Relative_links_resolve_inside_the_repository(string document)
    {
        var root = Repository.Root;
        var path = Path.Combine(root, document);
        var broken = new List<string>();
        foreach (Match link in MarkdownLink().Matches(File.ReadAllText(path)))
        {
            var target = link.Groups["target"].Value.Split('#')[0];
            if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
            var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(target)));
            if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) broken.Add($"{target} (outside the repository)");
            else if (!File.Exists(full) && !Directory.Exists(full)) broken.Add($"{target} (no such file)");
        }
        Assert.True(broken.Count == 0, $"{document} links to: {string.Join(", ", broken)}");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Nothing_names_the_steering_folder(string document)
    {
        var text = File.ReadAllText(Repository.PathOf(document));
        var mentions = SteeringFolder().Matches(text).Select(m => m.Value).ToList();
        Assert.True(mentions.Count == 0, $"{document} points outside the repository: {string.Join(", ", mentions)}");
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"(?:\.\./)*shared/(?:reference|fixtures|ARCHITECTURE\.md|STYLE\.md)[^\s)`]*")]
    private static partial Regex SteeringFolder();
}
