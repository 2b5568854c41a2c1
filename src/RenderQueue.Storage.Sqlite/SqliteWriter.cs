using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// The only connection that writes. Operations queue up; the loop runs every waiting operation in one
/// transaction (group commit), each inside its own savepoint so a refusal undoes only its own work.
/// Callers are answered, and signals raised, only after the commit.
/// </summary>
internal sealed partial class SqliteWriter : IDisposable
{
    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Commands _commands;
    private readonly StoreSignals _signals;
    private readonly int _maxBatch;
    private readonly TimeSpan _webhookProgressInterval;
    private readonly StateSql _states;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public SqliteWriter(string connectionString, bool fullSync, int maxBatch, TimeSpan webhookProgressInterval, StateSql states, StoreSignals signals, ILogger logger)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        Schema.Configure(_connection, fullSync);
        Schema.Apply(_connection, fullSync, states);
        Schema.DisableAutomaticCheckpoints(_connection);
        _commands = new Commands(_connection);
        _signals = signals;
        _maxBatch = Math.Max(1, maxBatch);
        _webhookProgressInterval = webhookProgressInterval;
        _states = states;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Statements prepared by the writer so far.</summary>
    public IReadOnlyList<string> Statements
    {
        get
        {
            lock (_commands) return [.. _commands.Statements];
        }
    }

    /// <summary>Runs <paramref name="work"/> in the next transaction; completes after it committed.</summary>
    public Task<T> WriteAsync<T>(Func<WriteContext, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var operation = new WriteOperation<T>(work, cancellationToken);
        if (!_queue.Writer.TryWrite(operation)) throw new ObjectDisposedException(nameof(SqliteJobStore));
        return operation.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteOperation>(_maxBatch);
        var done = new List<WriteOperation>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var operation))
            {
                if (operation.CancellationToken.IsCancellationRequested) operation.Cancel();
                else batch.Add(operation);
            }
            if (batch.Count > 0)
            {
                lock (_commands) Commit(batch, done);
            }
        }
    }

    private void Commit(List<WriteOperation> batch, List<WriteOperation> done)
    {
        done.Clear();
        var context = new WriteContext(_commands, _webhookProgressInterval);
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            _commands.Transaction = transaction;
            foreach (var operation in batch)
            {
                _commands.Execute("SAVEPOINT op");
                try
                {
                    context.BeginOperation();
                    operation.Execute(context);
                    _commands.Execute("RELEASE op");
                    context.KeepOperationSignals();
                    done.Add(operation);
                }
                catch (Exception error)
                {
                    _commands.Execute("ROLLBACK TO op");
                    _commands.Execute("RELEASE op");
                    operation.Fail(error);
                }
            }
            transaction.Commit();
        }
        catch (Exception error)
        {
            Log.CommitFailed(_logger, batch.Count, error);
            foreach (var operation in done) operation.Fail(error);
            return;
        }
        finally
        {
            _commands.Transaction = null;
        }

        // Signals first: a caller that resumes after its write must find the wake-ups already raised.
        try
        {
            context.RaiseSignals(_signals);
        }
        catch (Exception error)
        {
            Log.SignalHandlerFailed(_logger, error);
        }
        foreach (var operation in done) operation.Complete();
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop.Wait(TimeSpan.FromSeconds(10));
        _commands.Dispose();
        _connection.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "A SQLite transaction of {Count} operations failed to commit; all of them were refused")]
        public static partial void CommitFailed(ILogger logger, int count, Exception error);

        [LoggerMessage(2, LogLevel.Error, "A store signal handler failed; the commit itself succeeded")]
        public static partial void SignalHandlerFailed(ILogger logger, Exception error);
    }
}

/// <summary>One queued write and the caller waiting for it.</summary>
internal abstract class WriteOperation(CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public abstract void Execute(WriteContext context);
    public abstract void Complete();
    public abstract void Fail(Exception error);
    public abstract void Cancel();
}

internal sealed class WriteOperation<T>(Func<WriteContext, T> work, CancellationToken cancellationToken) : WriteOperation(cancellationToken)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;

    public Task<T> Task => _completion.Task;
    public override void Execute(WriteContext context) => _result = work(context);
    public override void Complete() => _completion.TrySetResult(_result!);
    public override void Fail(Exception error) => _completion.TrySetException(error);
    public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
}
