using System.Globalization;

namespace RenderQueue.Bench.Harness;

/// <summary>What Linux says about the machine and a process: load, memory, a process's RSS and CPU time.</summary>
internal static class Machine
{
    private const double ClockTicksPerSecond = 100; // USER_HZ, 100 on every Linux the bench runs on

    public static int Cores => Environment.ProcessorCount;

    /// <summary>1-, 5- and 15-minute load averages.</summary>
    public static double[] LoadAverage()
    {
        var parts = File.ReadAllText("/proc/loadavg").Split(' ');
        return [.. parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture))];
    }

    public static long MemoryTotalBytes => MemInfo("MemTotal:");

    public static long MemoryAvailableBytes => MemInfo("MemAvailable:");

    /// <summary>Written data the kernel still holds in memory to write to disk (dirty and under write-back).</summary>
    public static long UnwrittenBytes => MemInfo("Dirty:") + MemInfo("Writeback:");

    /// <summary>Resident set size of a process now.</summary>
    public static long RssBytes(int pid) => Status(pid, "VmRSS:");

    /// <summary>The largest resident set size the process has had.</summary>
    public static long PeakRssBytes(int pid) => Status(pid, "VmHWM:");

    /// <summary>User plus system CPU time a process has used.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    public static long FreeDiskBytes(string path) => new DriveInfo(Path.GetPathRoot(Path.GetFullPath(path))!).AvailableFreeSpace;

    public static string Describe() =>
        FormattableString.Invariant($"{Cores} cores, {MemoryTotalBytes / (double)(1L << 30):0.0} GiB RAM, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");

    private static long MemInfo(string key) => Kilobytes(File.ReadLines("/proc/meminfo"), key);

    private static long Status(int pid, string key) => Kilobytes(File.ReadLines($"/proc/{pid}/status"), key);

    private static long Kilobytes(IEnumerable<string> lines, string key)
    {
        foreach (var line in lines)
        {
            if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
            var number = line[key.Length..].Trim().Split(' ')[0];
            return long.Parse(number, CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException($"{key} is missing from /proc.");
    }
}
