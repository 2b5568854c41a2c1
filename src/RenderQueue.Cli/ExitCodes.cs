namespace RenderQueue.Cli;

/// <summary>What <c>renderq</c> exits with; documented in docs/cli.md, relied on by scripts.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The server refused (no such job, a state that does not allow the action, …) or something failed.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: unknown command or option, a bad value, an unreadable file; also a 400
    /// from the server (it refused the values given).</summary>
    public const int Usage = 2;

    /// <summary>The server could not be reached or did not answer in time.</summary>
    public const int Unreachable = 3;

    /// <summary>Waiting for a job (<c>submit --wait</c>) ended with the job failed or canceled.</summary>
    public const int JobUnsuccessful = 4;

    /// <summary>Interrupted (Ctrl+C) before the command finished; 128 + SIGINT, as shells do.</summary>
    public const int Interrupted = 130;
}
