using System.Net.WebSockets;
using System.Text.Json;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Client;

public sealed partial class RenderQueueClient
{
    /// <summary>While following a job's events, how many poll intervals of silence before reading the job anyway.</summary>
    private const int QuietPolls = 5;

    /// <summary>How long to wait for the server to answer our close before dropping the connection.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Waits until the job is finished — <c>succeeded</c>, <c>failed</c> or <c>canceled</c> — and returns it as the
    /// server has it then (result, artifacts, error). A job that is retried after a failed attempt is not finished.
    /// </summary>
    /// <remarks>
    /// Follows the job's events over the events WebSocket, subscribing before it reads the job so no change slips in
    /// between; while the socket is quiet it reads the job every <c>5 × <see cref="PollInterval"/></c> (which also
    /// refreshes the queue position). When the socket cannot be opened or breaks, it falls back to reading the job
    /// every <see cref="PollInterval"/>. Cancel <paramref name="cancellationToken"/> to stop waiting: the job is not
    /// canceled.
    /// </remarks>
    /// <param name="jobId">The job to wait for.</param>
    /// <param name="progress">Told the job's state each time it changes: from events (state, attempt, progress,
    /// worker) between full reads of the job.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public async Task<Job> WaitForCompletionAsync(string jobId, IProgress<Job>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        var socket = await TryConnectAsync(EventsUri(new EventStreamQuery { JobId = jobId }), cancellationToken);
        try
        {
            var job = await GetJobAsync(jobId, cancellationToken);
            progress?.Report(job);
            if (job.State.IsFinished()) return job;
            if (socket is not null && await FollowAsync(socket, job, progress, cancellationToken) is { } finished) return finished;
            return await PollAsync(job, progress, cancellationToken);
        }
        finally
        {
            if (socket is not null)
            {
                await CloseQuietlyAsync(socket);
                socket.Dispose();
            }
        }
    }

    private async Task<WebSocket?> TryConnectAsync(Uri uri, CancellationToken ct)
    {
        try
        {
            return await _connectWebSocket(uri, ct);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException)
        {
            return null;
        }
    }

    /// <summary>The finished job, or null when the socket broke or closed first.</summary>
    private async Task<Job?> FollowAsync(WebSocket socket, Job job, IProgress<Job>? progress, CancellationToken ct)
    {
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var events = ReadEventsAsync(socket, reading.Token).GetAsyncEnumerator(reading.Token);
        var next = events.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await next.WaitAsync(PollInterval * QuietPolls, ct);
                }
                catch (TimeoutException)
                {
                    job = await GetJobAsync(job.Id, ct);
                    progress?.Report(job);
                    if (job.State.IsFinished()) return job;
                    continue;
                }
                if (!more) return null;

                var e = events.Current;
                next = events.MoveNextAsync().AsTask();
                job = Apply(job, e);
                if (e.State.IsFinished())
                {
                    job = await GetJobAsync(job.Id, ct);
                    if (job.State.IsFinished()) return job;
                }
                progress?.Report(job);
            }
        }
        catch (Exception e) when (e is WebSocketException or JsonException && !ct.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            // Close politely: the pending receive then sees the server's answering close and ends by itself.
            await CloseQuietlyAsync(socket);
            await ((Task)next).WaitAsync(CloseTimeout, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await reading.CancelAsync();
            await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await events.DisposeAsync();
        }
    }

    private async Task<Job> PollAsync(Job job, IProgress<Job>? progress, CancellationToken ct)
    {
        while (!job.State.IsFinished())
        {
            await Task.Delay(PollInterval, ct);
            var read = await GetJobAsync(job.Id, ct);
            if (read.UpdatedAt != job.UpdatedAt || read.Position != job.Position) progress?.Report(read);
            job = read;
        }
        return job;
    }

    /// <summary>What an event tells about the job, short of reading it again.</summary>
    private static Job Apply(Job job, JobEvent e) => job with
    {
        State = e.State,
        Attempt = e.Attempt,
        Priority = e.Priority,
        Progress = e.Progress,
        Error = e.Error ?? job.Error,
        WorkerId = e.State == JobState.Running ? e.WorkerId : null,
        UpdatedAt = e.At,
        Position = e.State == JobState.Queued ? job.Position : null,
        Eta = e.State == JobState.Queued ? job.Eta : null,
    };

    /// <summary>Sends our close when the socket still works (once); never throws.</summary>
    private static async Task CloseQuietlyAsync(WebSocket socket)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // the connection is going away either way
        }
    }
}
