using System.Globalization;

namespace RenderQueue.Faults.Tests.Checking;

/// <summary>The checker's verdict on every accepted job, and the totals a case reports.</summary>
public sealed record CheckReport(IReadOnlyList<JobVerdict> Jobs)
{
    public int Count(Verdict verdict) => Jobs.Count(j => j.Verdict == verdict);

    public int Lost => Count(Verdict.Lost);

    public int DoubleCompleted => Count(Verdict.DoubleCompleted);

    public int Duplicated => Count(Verdict.Duplicated);

    public int Ok => Count(Verdict.Ok);

    /// <summary>Executions beyond the first, over all jobs: the work a fault made the fleet do twice.</summary>
    public int DuplicateExecutions => Jobs.Sum(j => Math.Max(0, j.Executions - 1));

    public int Executions => Jobs.Sum(j => j.Executions);

    /// <summary>One line for the test output, e.g. "2000 jobs: 1987 ok, 13 duplicated, 0 lost, 0 double-completed; 2013 executions".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Jobs.Count} jobs: {Ok} ok, {Duplicated} duplicated, {Lost} lost, {DoubleCompleted} double-completed; {Executions} executions ({DuplicateExecutions} duplicate)");

    /// <summary>The jobs that are not ok, for a failing assertion's message.</summary>
    public string Problems(int max = 20) => string.Join("\n",
        Jobs.Where(j => j.Verdict is Verdict.Lost or Verdict.DoubleCompleted).Take(max).Select(j => $"{j.JobId}: {j.Verdict}: {j.Why}"));
}
