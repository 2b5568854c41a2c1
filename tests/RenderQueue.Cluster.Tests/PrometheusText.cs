using System.Globalization;

namespace RenderQueue.Cluster.Tests;

/// <summary>Reads samples out of a <c>/metrics</c> answer.</summary>
internal static class PrometheusText
{
    /// <summary>The value of one series, written exactly as exposed (e.g. <c>renderqueue_jobs{queue="q",state="queued"}</c>); null when absent.</summary>
    public static double? Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Length > series.Length && line.StartsWith(series, StringComparison.Ordinal) && line[series.Length] == ' ')
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
        }
        return null;
    }
}
