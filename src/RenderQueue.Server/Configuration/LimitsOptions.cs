namespace RenderQueue.Server.Configuration;

/// <summary>Request size limits (configuration section <c>Limits</c>).</summary>
public sealed class LimitsOptions : IValidatedOptions
{
    public const string Section = "Limits";

    /// <summary>Largest JSON request body; larger ones get 413. Default 10 MiB.</summary>
    public long MaxJsonBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest artifact upload; larger ones get 413. Default 1 GiB.</summary>
    public long MaxArtifactBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Most jobs in one batch submit. Default 1,000.</summary>
    public int MaxBatchSize { get; set; } = 1_000;

    public IEnumerable<string> Validate(string section) =>
        ValidatedOptions.Range($"{section}:MaxJsonBodyBytes", MaxJsonBodyBytes, 1024, 1L << 30)
            .Concat(ValidatedOptions.Range($"{section}:MaxArtifactBytes", MaxArtifactBytes, 1024, 1L << 40))
            .Concat(ValidatedOptions.Range($"{section}:MaxBatchSize", MaxBatchSize, 1, 100_000));
}
