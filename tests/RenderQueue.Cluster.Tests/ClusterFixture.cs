namespace RenderQueue.Cluster.Tests;

/// <summary>One cluster shared by the tests of a class that leave it running.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal Cluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await Cluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
