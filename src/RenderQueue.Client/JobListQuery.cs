using RenderQueue.Core.Jobs;

namespace RenderQueue.Client;

/// <summary>Filters and paging of <see cref="RenderQueueClient.ListJobsAsync"/>.</summary>
public sealed record JobListQuery
{
    /// <summary>Only jobs in these states; empty means all.</summary>
    public IReadOnlyCollection<JobState> States { get; init; } = [];

    /// <summary>Only jobs of this queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Only jobs of this type.</summary>
    public string? Type { get; init; }

    /// <summary>Page size, 1–500; the server's default (50) when null.</summary>
    public int? Limit { get; init; }

    /// <summary>The <c>NextCursor</c> of the previous page; null for the first page.</summary>
    public string? Cursor { get; init; }
}

/// <summary>Filters of <see cref="RenderQueueClient.StreamEventsAsync"/>.</summary>
public sealed record EventStreamQuery
{
    /// <summary>Only events of this job.</summary>
    public string? JobId { get; init; }

    /// <summary>Only events of this queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Replay stored events with a sequence above this first, to resume without gaps.</summary>
    public long? After { get; init; }
}
