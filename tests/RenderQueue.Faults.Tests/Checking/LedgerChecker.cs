using RenderQueue.Core.Jobs;

namespace RenderQueue.Faults.Tests.Checking;

/// <summary>
/// Classifies every job a client was told was accepted (a 2xx submit) by comparing what the workers' ledger says ran
/// with what the server says happened: the job's final state and the attempts it recorded as succeeded.
/// </summary>
public static class LedgerChecker
{
    public static CheckReport Check(IEnumerable<string> acceptedIds, IReadOnlyList<Execution> ledger, IReadOnlyDictionary<string, Job> serverJobs,
        JobState expected = JobState.Succeeded)
    {
        var runs = ledger.ToLookup(e => e.JobId, StringComparer.Ordinal);
        var verdicts = acceptedIds.Distinct(StringComparer.Ordinal).Select(id => Judge(id, [.. runs[id]], serverJobs.GetValueOrDefault(id), expected)).ToList();
        return new CheckReport(verdicts);
    }

    private static JobVerdict Judge(string id, IReadOnlyList<Execution> runs, Job? job, JobState expected)
    {
        if (job is null) return new JobVerdict(id, Verdict.Lost, runs.Count, 0, "accepted, but the server does not have it");
        var completions = job.Attempts.Count(a => a.Outcome == JobState.Succeeded.ToWire());
        if (job.State != expected)
            return new JobVerdict(id, Verdict.Lost, runs.Count, completions, $"{job.State.ToWire()} at the end, expected {expected.ToWire()}");
        if (completions > 1)
            return new JobVerdict(id, Verdict.DoubleCompleted, runs.Count, completions, $"{completions} attempts recorded as succeeded");
        if (expected == JobState.Succeeded)
        {
            var winner = job.Attempts.LastOrDefault(a => a.Outcome == JobState.Succeeded.ToWire());
            if (winner is null || !runs.Any(r => r.Attempt == winner.Number && r.Succeeded))
                return new JobVerdict(id, Verdict.Lost, runs.Count, completions, $"succeeded as attempt {winner?.Number}, but no execution of that attempt finished");
        }
        if (runs.Count > 1)
            return new JobVerdict(id, Verdict.Duplicated, runs.Count, completions, $"{runs.Count} executions: attempts {string.Join(", ", runs.Select(r => r.Attempt))}");
        return new JobVerdict(id, Verdict.Ok, runs.Count, completions, "");
    }
}
