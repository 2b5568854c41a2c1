using System.Text;
using System.Text.RegularExpressions;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Worker.Command;

/// <summary>
/// Drains one output stream of a process: keeps its last <c>capacity</c> characters, and feeds each line (ending at
/// <c>\n</c> or <c>\r</c>, since progress bars redraw with <c>\r</c>) to the progress pattern.
/// </summary>
internal sealed class OutputTail(int capacity, Regex? progressPattern, IProgress<JobProgress> progress)
{
    private const int MaxLine = 64 * 1024;
    private readonly StringBuilder _tail = new();
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    /// <summary>Reads to the end of the stream, which comes when the last process holding the pipe exits (or is killed).</summary>
    public async Task DrainAsync(StreamReader reader)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0) Append(buffer.AsSpan(0, read));
        Line();
    }

    private void Append(ReadOnlySpan<char> text)
    {
        lock (_gate)
        {
            _tail.Append(text);
            if (_tail.Length > capacity * 2) _tail.Remove(0, _tail.Length - capacity);
        }
        if (progressPattern is null) return;
        foreach (var c in text)
        {
            if (c is '\n' or '\r') Line();
            else if (_line.Length < MaxLine) _line.Append(c);
        }
    }

    private void Line()
    {
        if (_line.Length == 0 || progressPattern is null) return;
        var match = progressPattern.Match(_line.ToString());
        _line.Clear();
        if (!match.Success) return;
        var value = match.Groups["value"].Success ? match.Groups["value"] : match.Groups.Count > 1 ? match.Groups[1] : null;
        var max = match.Groups["max"].Success ? match.Groups["max"] : match.Groups.Count > 2 ? match.Groups[2] : null;
        if (value is null || max is null) return;
        if (double.TryParse(value.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            && double.TryParse(max.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var m) && m > 0)
            progress.Report(new JobProgress(Math.Clamp(v, 0, m), m, match.Value.Length <= 200 ? match.Value : null));
    }

    /// <summary>The kept end, trimmed to <c>capacity</c>.</summary>
    public string Tail()
    {
        lock (_gate) return _tail.Length <= capacity ? _tail.ToString() : _tail.ToString(_tail.Length - capacity, capacity);
    }
}
