using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RenderQueue.Core.Storage;
using Xunit.Abstractions;

namespace RenderQueue.Storage.Redis.Tests;

/// <summary>
/// The leader lease on a real redis-server: one node leads at a time, a stopping leader hands the role on, a leader
/// cut off from Redis stops leading before another node takes over (within twice the lease), and a term that ran
/// out can touch neither the role nor the next term.
/// </summary>
public sealed class RedisLeaderElectionTests(RedisStoreFixture fixture, ITestOutputHelper output) : IClassFixture<RedisStoreFixture>
{
    private static readonly TimeSpan Lease = RedisStoreOptions.MinLeaderLease;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task One_node_leads_and_hands_the_role_on_with_a_larger_token_when_it_stops()
    {
        var prefix = RedisStoreFixture.NewPrefix();
        await using var a = await StartAsync(prefix);
        var first = await a.Election.WaitForTermAsync(CancellationToken.None).WaitAsync(Bound);
        await using var b = await StartAsync(prefix);
        await using var c = await StartAsync(prefix);
        await Task.WhenAll(b.FollowingAsync(), c.FollowingAsync());
        Assert.Equal(first, a.Election.CurrentTerm);
        Assert.Null(b.Election.CurrentTerm);
        Assert.Null(c.Election.CurrentTerm);

        var clock = Stopwatch.StartNew();
        var next = Task.WhenAny(b.Election.WaitForTermAsync(CancellationToken.None), c.Election.WaitForTermAsync(CancellationToken.None));
        await a.Election.StopAsync(CancellationToken.None);
        Assert.False(first.IsCurrent);
        Assert.Null(a.Election.CurrentTerm);
        var second = await (await next.WaitAsync(Bound));
        output.WriteLine($"the role passed on {clock.Elapsed.TotalMilliseconds:0} ms after the leader stopped (lease {Lease.TotalSeconds} s)");

        Assert.True(second.FencingToken > first.FencingToken, $"token {second.FencingToken} after {first.FencingToken}");
        Assert.Single(new[] { b, c }, node => node.Election.CurrentTerm is not null);
        Assert.Contains(a.Logger.Entries, e => e.Message.Contains("gave up the leader role", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_leader_cut_off_from_redis_stops_leading_before_another_node_takes_over_within_twice_the_lease()
    {
        var prefix = RedisStoreFixture.NewPrefix();
        var proxy = new RespCountingProxy(fixture.Server.Port);
        using var cutOffConnection = RedisConnection.Open(new RedisStoreOptions { Configuration = proxy.Configuration });
        await using var a = await StartAsync(prefix, cutOffConnection);
        using var stopService = new CancellationTokenSource();
        var service = new TermCountingService(a.Election, stopService.Token);
        var first = await a.Election.WaitForTermAsync(CancellationToken.None).WaitAsync(Bound);
        await using var b = await StartAsync(prefix);
        await b.FollowingAsync();

        var clock = Stopwatch.StartNew();
        var ended = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Ended.Register(() => ended.TrySetResult(clock.Elapsed));
        proxy.Dispose(); // node A can no longer reach Redis, as in a network partition
        var second = await b.Election.WaitForTermAsync(CancellationToken.None).WaitAsync(Bound);
        var takeover = clock.Elapsed;
        var stepDown = await ended.Task.WaitAsync(Bound);
        output.WriteLine($"lease {Lease.TotalMilliseconds:0} ms: A stopped leading {stepDown.TotalMilliseconds:0} ms after the cut, B leads after {takeover.TotalMilliseconds:0} ms");

        Assert.True(stepDown <= takeover, $"A still led at {stepDown} when B took over at {takeover}");
        Assert.True(takeover < 2 * Lease, $"B took {takeover} to take over; the bound is twice the lease, {2 * Lease}");
        Assert.True(second.FencingToken > first.FencingToken);
        Assert.Null(a.Election.CurrentTerm);
        Assert.Contains(a.Logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("is no longer the leader", StringComparison.Ordinal));
        Assert.Equal(1, service.Terms); // the service saw its term end and now waits for the next one
        await stopService.CancelAsync();
        await service.Stopped.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_term_that_ran_out_can_neither_renew_nor_release_the_next_one()
    {
        var prefix = RedisStoreFixture.NewPrefix();
        var database = fixture.Connection.GetDatabase();
        var lease = new RedisLeaderLease(database, prefix);

        var (first, _) = await lease.TryAcquireAsync("node-a", TimeSpan.FromMilliseconds(200));
        var (refused, holder) = await lease.TryAcquireAsync("node-b", TimeSpan.FromSeconds(10));
        Assert.NotNull(first);
        Assert.Null(refused);
        Assert.Equal(first, holder);

        await Task.Delay(300); // Redis expires the role on its own clock
        var (second, _) = await lease.TryAcquireAsync("node-b", TimeSpan.FromSeconds(10));
        Assert.NotNull(second);
        Assert.Equal(first.Token + 1, second.Token);
        Assert.False(await lease.RenewAsync(first, TimeSpan.FromSeconds(10)));
        Assert.False(await lease.ReleaseAsync(first));
        Assert.Equal(second.Value, (string?)await database.StringGetAsync($"{prefix}:{{leader}}"));

        Assert.True(await lease.RenewAsync(second, TimeSpan.FromSeconds(10)));
        Assert.True(await lease.ReleaseAsync(second));
        Assert.False(await database.KeyExistsAsync($"{prefix}:{{leader}}"));
        var (third, _) = await lease.TryAcquireAsync("node-a", TimeSpan.FromSeconds(10));
        Assert.Equal(second.Token + 1, third!.Token);
    }

    private async Task<Node> StartAsync(string prefix, RedisConnection? connection = null)
    {
        var logger = new ListLogger<RedisLeaderElection>();
        var options = new RedisStoreOptions { Configuration = fixture.Server.Configuration, KeyPrefix = prefix, LeaderLease = Lease };
        var election = new RedisLeaderElection((connection?.Multiplexer ?? fixture.Connection), options, TimeProvider.System, logger);
        await election.StartAsync(CancellationToken.None);
        return new Node(election, logger);
    }

    /// <summary>Runs like the server's run-once services: waits for a term, works until it ends, waits for the next.</summary>
    private sealed class TermCountingService
    {
        private int _terms;

        public TermCountingService(ILeaderElection election, CancellationToken stop) => Stopped = RunAsync(election, stop);

        public int Terms => Volatile.Read(ref _terms);

        public Task Stopped { get; }

        private async Task RunAsync(ILeaderElection election, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var term = await election.WaitForTermAsync(stop);
                    Interlocked.Increment(ref _terms);
                    using var leading = CancellationTokenSource.CreateLinkedTokenSource(stop, term.Ended);
                    using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
                    while (await timer.WaitForNextTickAsync(leading.Token))
                    {
                        // a round of work
                    }
                }
                catch (OperationCanceledException)
                {
                    // the term ended, or the test stops the service
                }
            }
        }
    }

    private sealed record Node(RedisLeaderElection Election, ListLogger Logger) : IAsyncDisposable
    {
        /// <summary>Waits (bounded) until the node has seen another node lead.</summary>
        public async Task FollowingAsync()
        {
            var clock = Stopwatch.StartNew();
            while (!Logger.Entries.Any(e => e.Message.Contains("follows the leader", StringComparison.Ordinal)))
            {
                Assert.True(clock.Elapsed < Bound, "the node never saw the leader");
                await Task.Delay(20); // the election loop runs in real time against a real Redis
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Election.StopAsync(CancellationToken.None);
            Election.Dispose();
        }
    }
}
