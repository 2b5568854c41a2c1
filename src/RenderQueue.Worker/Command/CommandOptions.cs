namespace RenderQueue.Worker.Command;

/// <summary>The <c>command</c> runner (configuration section <c>Worker:Command</c>).</summary>
public sealed class CommandOptions
{
    /// <summary>The commands jobs may run, by name. Default: none.</summary>
    public Dictionary<string, CommandDefinition> Commands { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Where per-job output folders are made. Default: <c>renderqueue-worker</c> under the system temp folder.</summary>
    public string? WorkFolder { get; set; }

    /// <summary>How much of the end of stdout and of stderr is kept with the job's result or error. Default 16 KiB each.</summary>
    public int TailBytes { get; set; } = 16 * 1024;

    /// <summary>After a kill on cancel, how long to wait for the processes to exit. Default 10 s.</summary>
    public TimeSpan KillGrace { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>One command a job may run.</summary>
public sealed class CommandDefinition
{
    /// <summary>
    /// The command line, split into arguments like a shell would split it (spaces, single and double quotes) but
    /// never run by a shell. <c>{name}</c> is replaced by the payload's <c>args.name</c> inside its argument, so
    /// each value stays exactly one argument; <c>{out}</c> is the job's fresh output folder, <c>{job_id}</c> and
    /// <c>{attempt}</c> are the job's; <c>{{</c> and <c>}}</c> are literal braces. The program itself (first word)
    /// cannot be a placeholder. Example: <c>whisper {input} --model small --output_dir {out}</c>.
    /// </summary>
    public string Template { get; set; } = "";

    /// <summary>Working directory of the process. Default: the job's output folder.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Extra environment variables for the process. Default: none.</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether a non-zero exit may succeed on another attempt. Default true.</summary>
    public bool Retryable { get; set; } = true;

    /// <summary>
    /// A regular expression matched against each line of stdout and stderr (lines end at <c>\n</c> or <c>\r</c>, as
    /// progress bars redraw); its groups <c>value</c> and <c>max</c> (or else its first two groups) are the progress,
    /// e.g. <c>(\d+)/(\d+)</c>. Default: none (no progress, so the stall watchdog never fires for this command).
    /// </summary>
    public string? ProgressPattern { get; set; }
}
