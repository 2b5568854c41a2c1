using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Storage;

/// <summary>A page request over jobs, newest first.</summary>
public sealed record JobQuery
{
    /// <summary>Only these states; empty means all.</summary>
    public IReadOnlyCollection<JobState> States { get; init; } = [];
    public string? Queue { get; init; }
    public string? Type { get; init; }

    /// <summary>Page size, 1–500.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>The <see cref="JobPage.NextCursor"/> of the previous page; null for the first.</summary>
    public string? Cursor { get; init; }
}

/// <summary>One page of jobs and the cursor of the next, null on the last page.</summary>
public sealed record JobPage(IReadOnlyList<Job> Items, string? NextCursor);
