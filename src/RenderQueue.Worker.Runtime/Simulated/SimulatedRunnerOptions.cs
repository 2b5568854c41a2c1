namespace RenderQueue.Worker.Runtime.Simulated;

/// <summary>Settings of the <c>simulated</c> runner (configuration section <c>Worker:Simulated</c>).</summary>
public sealed class SimulatedRunnerOptions
{
    /// <summary>
    /// When set, one line is appended when each execution starts and ends, to <c>PID.tsv</c> in this folder (see
    /// <see cref="ExecutionLedger"/>), so fault-injection tests can count executions across worker processes.
    /// Default: none.
    /// </summary>
    public string? LedgerFolder { get; set; }

    /// <summary>The longest <c>duration</c> a payload may ask for. Default 24 h.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The largest <c>width</c> or <c>height</c> of the PNG written. Default 2048.</summary>
    public int MaxImageSide { get; set; } = 2048;
}
