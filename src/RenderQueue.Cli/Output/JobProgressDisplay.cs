using RenderQueue.Core.Jobs;
using Spectre.Console;

namespace RenderQueue.Cli.Output;

/// <summary>Waits for a job; on a terminal with a live progress bar fed by its events.</summary>
internal static class JobProgressDisplay
{
    public static Task<Job> WaitAsync(CliContext cli, Job job, CancellationToken ct)
    {
        if (!cli.IsLive) return cli.Client.WaitForCompletionAsync(job.Id, cancellationToken: ct);
        return cli.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Describe(job), maxValue: 1);
                var finished = await cli.Client.WaitForCompletionAsync(job.Id, new Reporter(task), ct);
                task.Description = Describe(finished);
                if (finished.State == JobState.Succeeded) task.Value = task.MaxValue;
                task.StopTask();
                return finished;
            });
    }

    private static string Describe(Job job)
    {
        var standing = Formats.Standing(job);
        return Markup.Escape($"{job.Id} {job.State.ToWire()}" + (standing.Length == 0 ? "" : $" · {standing}"));
    }

    /// <summary>Updates the bar on the reporting thread: Spectre's tasks are thread-safe and it redraws on its own timer.</summary>
    private sealed class Reporter(ProgressTask task) : IProgress<Job>
    {
        public void Report(Job value)
        {
            task.Description = Describe(value);
            if (value.Progress is { } progress && value.State == JobState.Running) task.Value = progress.Fraction;
        }
    }
}
