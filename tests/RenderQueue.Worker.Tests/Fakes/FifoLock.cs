namespace RenderQueue.Worker.Tests.Fakes;

/// <summary>A1111's <c>FIFOLock</c> (modules/call_queue.py): waiters get the lock strictly in arrival order.</summary>
internal sealed class FifoLock
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private bool _held;

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (!_held)
            {
                _held = true;
                return new Releaser(this);
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }
        await using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            try
            {
                await waiter.Task;
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    // handed over just as we were canceled: pass it on
                    if (waiter.Task.IsCompletedSuccessfully) Release();
                }
                throw;
            }
        }
        return new Releaser(this);
    }

    private void Release()
    {
        lock (_gate)
        {
            while (_waiters.TryDequeue(out var next))
            {
                if (next.TrySetResult()) return;
            }
            _held = false;
        }
    }

    private sealed class Releaser(FifoLock owner) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) owner.Release();
        }
    }
}
