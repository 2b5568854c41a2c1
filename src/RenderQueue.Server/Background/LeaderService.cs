using RenderQueue.Core.Storage;

namespace RenderQueue.Server.Background;

/// <summary>
/// A background service that must run on one server node at a time: it waits until this node leads
/// (<see cref="ILeaderElection"/>), runs <see cref="LeadAsync"/> for as long as the term lasts, and waits for the
/// next term when it ends. With SQLite the only node leads from the start; with Redis the role moves to another
/// node when the leader dies.
/// </summary>
internal abstract partial class LeaderService(ILeaderElection election, ILogger logger) : BackgroundService
{
    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            LeaderTerm term;
            try
            {
                term = await election.WaitForTermAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term.Ended);
            Log.Started(logger, GetType().Name, term.FencingToken);
            try
            {
                await LeadAsync(leading.Token);
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                // the term ended, or the node stops
            }
            if (!stoppingToken.IsCancellationRequested) Log.Paused(logger, GetType().Name, term.FencingToken);
        }
    }

    /// <summary>Does the service's work until <paramref name="leading"/> fires: the term ended or the node stops.</summary>
    protected abstract Task LeadAsync(CancellationToken leading);

    /// <summary>
    /// Runs one pass of the service's work. A failure is logged and swallowed, so the next pass tries again: a store
    /// that does not answer as a warning, anything else as an error. Only the end of the term or of the node stops it.
    /// <paramref name="work"/> says what the pass does, for the log, e.g. <c>reap expired leases</c>.
    /// </summary>
    protected async Task RunPassAsync(string work, Func<CancellationToken, Task> pass, CancellationToken ct)
    {
        try
        {
            await pass(ct);
        }
        catch (StoreUnavailableException e)
        {
            Log.StoreUnavailable(logger, work, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Log.PassFailed(logger, work, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(101, LogLevel.Debug, "{Service} runs on this node, the leader (fencing token {Token})")]
        public static partial void Started(ILogger logger, string service, long token);

        [LoggerMessage(102, LogLevel.Debug, "{Service} paused: this node's term as leader (fencing token {Token}) ended")]
        public static partial void Paused(ILogger logger, string service, long token);

        [LoggerMessage(103, LogLevel.Warning, "Cannot {Work} now: {Reason}; trying again")]
        public static partial void StoreUnavailable(ILogger logger, string work, string reason);

        [LoggerMessage(104, LogLevel.Error, "Could not {Work}; trying again at the next pass")]
        public static partial void PassFailed(ILogger logger, string work, Exception exception);
    }
}
