using System.Collections.Concurrent;
using System.CommandLine;
using RenderQueue.Cli.Transfers;
using RenderQueue.Client;
using RenderQueue.Core.Jobs;
using Spectre.Console;

namespace RenderQueue.Cli.Commands;

/// <summary>
/// <c>renderq download</c>: saves the outputs of jobs (named, or every job in some states) under
/// <c>DIR/&lt;job id&gt;/</c> and marks the succeeded ones collected — the render tracker's "done".
/// </summary>
internal static class DownloadCommand
{
    private const int Parallel = 4;

    public static Command Create(CliHost host, GlobalOptions global)
    {
        var ids = new Argument<string[]>("ids") { Description = "The jobs whose outputs to save.", Arity = ArgumentArity.ZeroOrMore, HelpName = "ID" };
        var states = ListCommand.StateOption("Instead of ids: every job in these states, e.g. --state succeeded.");
        var queue = CliOptions.Queue("With --state: only jobs of this queue.");
        var includeCollected = new Option<bool>("--include-collected") { Description = "With --state: also jobs already marked collected." };
        var outFolder = CliOptions.Out($"Where to save: DIR/<job id>/<file> (default ./{SubmitCommand.DefaultOutFolder}).");
        var command = new Command("download", "Save the outputs of jobs and mark them collected.") { ids, states, queue, includeCollected, outFolder };
        command.SetBody(host, global, async (cli, parse, ct) =>
        {
            var named = parse.GetValue(ids) is { Length: > 0 };
            if (named == parse.GetValue(states) is { Length: > 0 })
                throw new UsageException("Name the jobs (renderq download ID…) or select them with --state (renderq download --state succeeded), not both.");
            if (named && (parse.GetValue(queue) is not null || parse.GetValue(includeCollected)))
                throw new UsageException("--queue and --include-collected go with --state.");
            var root = cli.Host.FullPath(parse.GetValue(outFolder) ?? SubmitCommand.DefaultOutFolder);
            var jobs = parse.GetValue(ids) is { Length: > 0 } given
                ? Named(cli.Client, given.Distinct(StringComparer.Ordinal), ct)
                : Selected(cli.Client, new JobListQuery { States = parse.GetValue(states)!, Queue = parse.GetValue(queue) }, parse.GetValue(includeCollected), ct);

            var outcome = new Outcome();
            if (cli.IsLive)
            {
                await cli.Console.Status().StartAsync("Downloading…", async status =>
                    await DownloadAllAsync(cli, jobs, root, outcome, () => status.Status($"Downloading… {outcome.Jobs} jobs, {outcome.Files} files"), ct));
            }
            else
            {
                await DownloadAllAsync(cli, jobs, root, outcome, () => { }, ct);
            }

            if (cli.IsLive)
            {
                cli.WriteMarkupLine(Markup.Escape(
                    $"{outcome.Jobs} job(s): {outcome.Files} file(s) saved, {outcome.Present} already there, {outcome.Collected} marked collected → {root}"));
            }
            else
            {
                foreach (var file in outcome.Saved.OrderBy(f => f.Path, StringComparer.Ordinal)) cli.WriteLine(file.Path);
            }
            return outcome.Exit;
        });
        return command;
    }

    private static async IAsyncEnumerable<Result> Named(RenderQueueClient client, IEnumerable<string> ids, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var id in ids)
        {
            Job? job = null;
            RenderQueueApiException? refused = null;
            try
            {
                job = await client.GetJobAsync(id, ct);
            }
            catch (RenderQueueApiException e)
            {
                refused = e;
            }
            yield return new Result(id, job, refused);
        }
    }

    private static async IAsyncEnumerable<Result> Selected(RenderQueueClient client, JobListQuery query, bool includeCollected, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var job in client.ListAllJobsAsync(query, ct))
        {
            if (includeCollected || job.CollectedAt is null) yield return new Result(job.Id, job, null);
        }
    }

    private static Task DownloadAllAsync(CliContext cli, IAsyncEnumerable<Result> jobs, string root, Outcome outcome, Action changed, CancellationToken ct) =>
        System.Threading.Tasks.Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = ct }, async (item, ct) =>
        {
            if (item.Job is not { } job)
            {
                outcome.Refused(cli, item.Id, item.Refused!);
                return;
            }
            try
            {
                var saved = await ArtifactDownloader.SaveAsync(cli.Client, job, Path.Combine(root, job.Id), ct);
                var collected = job.State == JobState.Succeeded;
                if (collected && job.CollectedAt is null) await cli.Client.MarkCollectedAsync(job.Id, ct);
                else if (!collected) cli.WriteError($"{job.Id}: {job.State.ToWire()}, not succeeded: saved what it has, not marked collected.");
                outcome.Add(saved, collected);
            }
            catch (RenderQueueApiException e)
            {
                outcome.Refused(cli, job.Id, e);
            }
            changed();
        });

    private sealed record Result(string Id, Job? Job, RenderQueueApiException? Refused);

    /// <summary>What happened, added to from several downloads at once.</summary>
    private sealed class Outcome
    {
        private int _jobs, _collected, _failed;
        public ConcurrentBag<SavedArtifact> Saved { get; } = [];
        public int Jobs => _jobs;
        public int Collected => _collected;
        public int Files => Saved.Count(s => !s.AlreadyPresent);
        public int Present => Saved.Count(s => s.AlreadyPresent);
        public int Exit => _failed > 0 ? ExitCodes.Failure : ExitCodes.Ok;

        public void Add(IReadOnlyList<SavedArtifact> saved, bool collected)
        {
            foreach (var file in saved) Saved.Add(file);
            Interlocked.Increment(ref _jobs);
            if (collected) Interlocked.Increment(ref _collected);
        }

        public void Refused(CliContext cli, string id, RenderQueueApiException e)
        {
            Interlocked.Increment(ref _failed);
            cli.WriteError($"{id}: {CommandActions.Describe(e)}");
        }
    }
}
