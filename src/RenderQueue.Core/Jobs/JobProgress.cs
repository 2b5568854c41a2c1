using System.Text.Json.Serialization;

namespace RenderQueue.Core.Jobs;

/// <summary>How far the current attempt has come, as reported by its worker.</summary>
/// <param name="Value">Steps done.</param>
/// <param name="Max">Steps in all (at least 1).</param>
/// <param name="Message">Optional text shown to people, e.g. the ComfyUI node being run.</param>
public sealed record JobProgress(double Value, double Max, string? Message = null)
{
    /// <summary>Progress as a fraction between 0 and 1.</summary>
    [JsonIgnore]
    public double Fraction => Max <= 0 ? 0 : Math.Clamp(Value / Max, 0, 1);
}
