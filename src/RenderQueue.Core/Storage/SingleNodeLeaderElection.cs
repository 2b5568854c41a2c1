namespace RenderQueue.Core.Storage;

/// <summary>
/// The election of a store that serves one server node (SQLite): that node leads from the start, in one term that
/// never ends. The node's own shutdown stops its services; no other node could take over.
/// </summary>
public sealed class SingleNodeLeaderElection : ILeaderElection
{
    private static readonly LeaderTerm OnlyTerm = new(1, CancellationToken.None);

    /// <inheritdoc/>
    public LeaderTerm? CurrentTerm => OnlyTerm;

    /// <inheritdoc/>
    public Task<LeaderTerm> WaitForTermAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<LeaderTerm>(cancellationToken) : Task.FromResult(OnlyTerm);
}
