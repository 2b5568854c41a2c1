namespace RenderQueue.Worker.Runtime.Gpus;

/// <summary>How GPUs are read (configuration section <c>Worker:Gpus</c>).</summary>
public sealed class NvidiaSmiOptions
{
    /// <summary>The program to run, looked up on <see cref="SearchPath"/> when it has no folder. Default <c>nvidia-smi</c>.</summary>
    public string Executable { get; set; } = "nvidia-smi";

    /// <summary>Folders searched for <see cref="Executable"/>, separated like <c>PATH</c>. Default: the <c>PATH</c> variable.</summary>
    public string? SearchPath { get; set; }

    /// <summary>How long one query may take before it counts as failed. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Set to false to report no GPUs without running anything (e.g. a CPU-only worker). Default true.</summary>
    public bool Enabled { get; set; } = true;
}
