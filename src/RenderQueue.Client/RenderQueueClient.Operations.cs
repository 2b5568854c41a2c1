using System.Globalization;
using RenderQueue.Core.Api;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;

namespace RenderQueue.Client;

public sealed partial class RenderQueueClient
{
    /// <summary>Counts per state and queue, workers online, throughput and wait-time percentiles.</summary>
    public Task<StatsResponse> GetStatsAsync(CancellationToken cancellationToken = default) =>
        GetAsync<StatsResponse>("api/v1/stats", cancellationToken);

    /// <summary>Per-minute activity of each queue over the last <paramref name="minutes"/> (1–1440).</summary>
    public Task<ActivityResponse> GetActivityAsync(int minutes = 60, CancellationToken cancellationToken = default) =>
        GetAsync<ActivityResponse>("api/v1/stats/activity?minutes=" + minutes.ToString(CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>Every queue with its counts and whether it is paused.</summary>
    public async Task<IReadOnlyList<QueueInfo>> ListQueuesAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync<ItemsResponse<QueueInfo>>("api/v1/queues", cancellationToken)).Items;

    /// <summary>Stops leasing from a queue; it keeps accepting jobs.</summary>
    public Task<QueueInfo> PauseQueueAsync(string queue, CancellationToken cancellationToken = default) =>
        PostAsync<QueueInfo>($"api/v1/queues/{Escape(queue)}/pause", null, cancellationToken);

    /// <summary>Resumes leasing from a paused queue.</summary>
    public Task<QueueInfo> ResumeQueueAsync(string queue, CancellationToken cancellationToken = default) =>
        PostAsync<QueueInfo>($"api/v1/queues/{Escape(queue)}/resume", null, cancellationToken);

    /// <summary>Changes a queue's settings (admin): what <paramref name="change"/> leaves unset stays as it is.</summary>
    public Task<QueueInfo> UpdateQueueSettingsAsync(string queue, QueueSettingsChange change, CancellationToken cancellationToken = default) =>
        SendAsync<QueueInfo>(new HttpRequestMessage(HttpMethod.Patch, $"api/v1/queues/{Escape(queue)}") { Content = JsonBody(PatchQueueRequest.Body(change)) }, cancellationToken);

    /// <summary>Registered workers with their capabilities, current jobs and last heartbeat.</summary>
    public async Task<IReadOnlyList<WorkerInfo>> ListWorkersAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync<ItemsResponse<WorkerInfo>>("api/v1/workers", cancellationToken)).Items;

    /// <summary>Asks a worker to stop leasing; it learns this at its next heartbeat.</summary>
    public Task<WorkerInfo> DrainWorkerAsync(string workerId, CancellationToken cancellationToken = default) =>
        PostAsync<WorkerInfo>($"api/v1/workers/{Escape(workerId)}/drain", null, cancellationToken);
}
