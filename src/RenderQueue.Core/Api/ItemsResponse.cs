namespace RenderQueue.Core.Api;

/// <summary>A list answer that is not paged: <c>{"items": [...]}</c> (workers, queues, artifacts).</summary>
public sealed record ItemsResponse<T>(IReadOnlyList<T> Items);
