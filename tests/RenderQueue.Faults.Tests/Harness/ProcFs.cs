using System.Globalization;

namespace RenderQueue.Faults.Tests.Harness;

/// <summary>What Linux's <c>/proc</c> says about another process: its open sockets and resident memory.</summary>
internal static class ProcFs
{
    /// <summary>Open file descriptors that are sockets.</summary>
    public static int Sockets(int processId) => Directory.GetFiles($"/proc/{processId}/fd")
        .Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
            }
            catch (IOException)
            {
                return false; // closed while we looked
            }
        });

    /// <summary>Resident set size (VmRSS) in bytes.</summary>
    public static long ResidentBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kb * 1024;
    }
}
