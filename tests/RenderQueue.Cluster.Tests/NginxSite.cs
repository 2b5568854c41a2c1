using System.Globalization;
using System.Text;

namespace RenderQueue.Cluster.Tests;

/// <summary>
/// <c>deploy/nginx/renderqueue.conf</c> as deployed, with only its marked lines rewritten: the <c># node</c> lines
/// become one line per server of the test's cluster, and the <c># listen</c> line the test's port.
/// </summary>
internal static class NginxSite
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "nginx", "renderqueue.conf");

    public static string For(IReadOnlyList<Uri> nodes, int port)
    {
        var deployed = File.ReadAllLines(Path);
        var nodeLines = deployed.Where(IsNode).ToList();
        var listenLines = deployed.Where(IsListen).ToList();
        if (nodeLines.Count == 0 || listenLines.Count != 1)
            throw new InvalidOperationException($"{Path} must mark its upstream servers with '# node' and its listen line with '# listen'.");

        var site = new StringBuilder();
        var nodesWritten = false;
        foreach (var line in deployed)
        {
            if (IsNode(line))
            {
                if (nodesWritten) continue;
                foreach (var node in nodes) site.AppendLine(Rewrite(nodeLines[0], "server ", node.Authority));
                nodesWritten = true;
            }
            else if (IsListen(line))
            {
                site.AppendLine(Rewrite(line, "listen ", "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)));
            }
            else
            {
                site.AppendLine(line);
            }
        }
        return site.ToString();
    }

    private static bool IsNode(string line) => line.TrimEnd().EndsWith("# node", StringComparison.Ordinal);

    private static bool IsListen(string line) => line.TrimEnd().EndsWith("# listen", StringComparison.Ordinal);

    /// <summary>Replaces the address after <paramref name="directive"/> (up to the next space or ';'), keeping the rest.</summary>
    private static string Rewrite(string line, string directive, string address)
    {
        var start = line.IndexOf(directive, StringComparison.Ordinal) + directive.Length;
        var end = line.IndexOfAny([' ', ';'], start);
        return line[..start] + address + line[end..];
    }
}
