using System.Globalization;
using System.Text;

namespace RenderQueue.Server.Metrics;

/// <summary>The Prometheus text exposition format (version 0.0.4): names, HELP/TYPE lines, labels, escaping.</summary>
internal sealed class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    /// <summary><c>renderqueue.jobs.pickup_latency</c> in <c>s</c> → <c>renderqueue_jobs_pickup_latency_seconds</c>;
    /// counters end in <c>_total</c>; annotation units such as <c>{job}</c> add nothing.</summary>
    public static string MetricName(string instrument, string? unit, bool counter)
    {
        var name = Sanitize(instrument);
        var suffix = unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            "ms" => "_milliseconds",
            _ => "",
        };
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal)) name += suffix;
        return counter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    public void Header(string name, string help, string type)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, Labels labels, double value)
    {
        _text.Append(name);
        if (labels.Pairs.Count > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Pairs.Count; i++)
            {
                if (i > 0) _text.Append(',');
                _text.Append(Sanitize(labels.Pairs[i].Key)).Append("=\"").Append(EscapeLabel(labels.Pairs[i].Value)).Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(Number(value)).Append('\n');
    }

    public override string ToString() => _text.ToString();

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Label values escape backslash, double quote and line feed.</summary>
    public static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>HELP text escapes backslash and line feed.</summary>
    private static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Metric and label names allow <c>[a-zA-Z0-9_]</c> and may not start with a digit.</summary>
    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] == '_')) chars[i] = '_';
        }
        return chars.Length > 0 && char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }
}
