using System.Text.Json;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Faults.Tests.Checking;

public sealed class LedgerCheckerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_job_run_once_and_completed_once_is_ok()
    {
        var report = Check(["a"], [Run("a", 1, 100, "succeeded")], Server("a", JobState.Succeeded, "succeeded"));

        Assert.Equal(Verdict.Ok, Assert.Single(report.Jobs).Verdict);
        Assert.Equal(0, report.DuplicateExecutions);
    }

    [Fact]
    public void A_job_whose_first_worker_died_and_second_completed_is_duplicated_once()
    {
        var report = Check(["a"], [Run("a", 1, 100, null), Run("a", 2, 200, "succeeded")], Server("a", JobState.Succeeded, "requeued", "succeeded"));

        var verdict = Assert.Single(report.Jobs);
        Assert.Equal(Verdict.Duplicated, verdict.Verdict);
        Assert.Equal(2, verdict.Executions);
        Assert.Equal(1, report.DuplicateExecutions);
    }

    [Fact]
    public void A_job_the_server_does_not_have_is_lost()
    {
        var report = Check(["a", "b"], [Run("b", 1, 100, "succeeded")], Server("b", JobState.Succeeded, "succeeded"));

        Assert.Equal(Verdict.Lost, report.Jobs.Single(j => j.JobId == "a").Verdict);
        Assert.Equal(1, report.Lost);
        Assert.Equal(1, report.Ok);
    }

    [Fact]
    public void A_job_stuck_running_or_queued_at_the_end_is_lost()
    {
        var jobs = Server("a", JobState.Running).Concat(Server("b", JobState.Queued, "requeued")).ToDictionary();

        var report = Check(["a", "b"], [Run("a", 1, 100, null), Run("b", 1, 100, null)], jobs);

        Assert.All(report.Jobs, j => Assert.Equal(Verdict.Lost, j.Verdict));
        Assert.Contains("running at the end", report.Problems(), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_attempts_recorded_as_succeeded_is_double_completed_even_if_the_state_is_right()
    {
        var report = Check(["a"], [Run("a", 1, 100, "succeeded"), Run("a", 2, 200, "succeeded")], Server("a", JobState.Succeeded, "succeeded", "succeeded"));

        Assert.Equal(Verdict.DoubleCompleted, Assert.Single(report.Jobs).Verdict);
        Assert.Equal(1, report.DoubleCompleted);
    }

    [Fact]
    public void A_stale_execution_that_finished_after_the_winner_is_a_duplicate_not_a_double_completion()
    {
        // Attempt 1 was stopped past its lease and finished anyway; the server refused its completion (409).
        var report = Check(["a"], [Run("a", 1, 100, "succeeded"), Run("a", 2, 200, "succeeded")], Server("a", JobState.Succeeded, "requeued", "succeeded"));

        Assert.Equal(Verdict.Duplicated, Assert.Single(report.Jobs).Verdict);
    }

    [Fact]
    public void Succeeded_on_the_server_without_an_execution_finishing_that_attempt_is_lost()
    {
        var report = Check(["a"], [Run("a", 1, 100, null)], Server("a", JobState.Succeeded, "succeeded"));

        Assert.Equal(Verdict.Lost, Assert.Single(report.Jobs).Verdict);
    }

    [Fact]
    public void An_expected_failure_is_judged_against_that_state()
    {
        var report = LedgerChecker.Check(["p"], [Run("p", 1, 1, null), Run("p", 2, 2, null)], Server("p", JobState.Failed, "requeued", "failed"), JobState.Failed);

        Assert.Equal(Verdict.Duplicated, Assert.Single(report.Jobs).Verdict);
    }

    [Fact]
    public void The_ledger_pairs_ends_with_starts_by_job_attempt_and_process_and_leaves_a_torn_last_line()
    {
        var text = "start\ta\t1\t100\t2026-01-01T00:00:00.0000000+00:00\n"
            + "start\ta\t2\t200\t2026-01-01T00:00:03.0000000+00:00\n"
            + "end\ta\t2\t200\t2026-01-01T00:00:04.0000000+00:00\tsucceeded\n"
            + "start\tb\t1\t2";

        var executions = LedgerFile.Parse(text);

        Assert.Equal(2, executions.Count);
        Assert.True(executions[0].Died);
        Assert.Equal(("a", 2, 200, "succeeded"), (executions[1].JobId, executions[1].Attempt, executions[1].ProcessId, executions[1].Outcome));
        Assert.Equal(TimeSpan.FromSeconds(1), executions[1].EndedAt - executions[1].StartedAt);
    }

    [Fact]
    public void An_end_without_its_start_is_a_broken_ledger()
    {
        Assert.Throws<FormatException>(() => LedgerFile.Parse("end\ta\t1\t100\t2026-01-01T00:00:04.0000000+00:00\tsucceeded\n"));
    }

    private static CheckReport Check(string[] accepted, Execution[] ledger, IEnumerable<KeyValuePair<string, Job>> jobs) =>
        LedgerChecker.Check(accepted, ledger, jobs.ToDictionary());

    private static Execution Run(string job, int attempt, int pid, string? outcome) =>
        new(job, attempt, pid, T0.AddSeconds(attempt), outcome is null ? null : T0.AddSeconds(attempt + 1), outcome);

    /// <summary>The server's view: the job in <paramref name="state"/> with one attempt per outcome (null: still running).</summary>
    private static Dictionary<string, Job> Server(string id, JobState state, params string?[] outcomes)
    {
        if (outcomes.Length == 0) outcomes = [null];
        var attempts = outcomes.Select((o, i) => new JobAttempt(i + 1, "w", T0.AddSeconds(i + 1), o is null ? null : T0.AddSeconds(i + 2), o)).ToList();
        var job = new Job
        {
            Id = id,
            Queue = "default",
            Type = "simulated",
            Payload = JsonDocument.Parse("{}").RootElement,
            State = state,
            Attempt = attempts.Count,
            Attempts = attempts,
        };
        return new Dictionary<string, Job> { [id] = job };
    }
}
