using System.Globalization;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// The leader role in Redis: <c>P:{leader}</c> holds <c>"&lt;token&gt; &lt;node&gt;"</c> with an expiry while a
/// term lasts, and <c>P:{leader}:token</c> counts terms, so every term's fencing token is larger than the last.
/// Taking the role is SET NX PX; renewing and releasing compare the term's value in Lua first, so a node whose
/// term ended can neither extend nor delete a newer one. Both keys share a hash tag (one Cluster slot).
/// </summary>
internal sealed class RedisLeaderLease(IDatabaseAsync database, string prefix)
{
    private static readonly RedisScript Acquire = RedisScript.LoadStandalone("leader_acquire");
    private static readonly RedisScript Renew = RedisScript.LoadStandalone("leader_renew");
    private static readonly RedisScript Release = RedisScript.LoadStandalone("leader_release");

    private readonly RedisKey[] _role = [prefix + ":{leader}"];
    private readonly RedisKey[] _roleAndCounter = [prefix + ":{leader}", prefix + ":{leader}:token"];

    /// <summary>Takes the role for <paramref name="node"/> when nobody holds it.</summary>
    /// <returns>The new term; or, when another term holds the role, its holder (null if it just expired).</returns>
    public async Task<(LeaderLeaseTerm? Term, LeaderLeaseTerm? Holder)> TryAcquireAsync(string node, TimeSpan lease)
    {
        var reply = (RedisResult[])(await Acquire.EvaluateAsync(database, _roleAndCounter, [node, Milliseconds(lease)]))!;
        var token = (long)reply[0];
        return token > 0 ? (new LeaderLeaseTerm(token, node), null) : (null, LeaderLeaseTerm.Parse((string?)reply[1]));
    }

    /// <summary>Extends <paramref name="term"/>; false when it no longer holds the role.</summary>
    public async Task<bool> RenewAsync(LeaderLeaseTerm term, TimeSpan lease) =>
        (long)await Renew.EvaluateAsync(database, _role, [term.Value, Milliseconds(lease)]) == 1;

    /// <summary>Gives the role up; false when <paramref name="term"/> no longer held it.</summary>
    public async Task<bool> ReleaseAsync(LeaderLeaseTerm term) =>
        (long)await Release.EvaluateAsync(database, _role, [term.Value]) == 1;

    private static long Milliseconds(TimeSpan lease) => Math.Max(1, (long)Math.Ceiling(lease.TotalMilliseconds));
}

/// <summary>A term of the leader role as Redis stores it.</summary>
internal sealed record LeaderLeaseTerm(long Token, string Node)
{
    public string Value => Token.ToString(CultureInfo.InvariantCulture) + " " + Node;

    public static LeaderLeaseTerm? Parse(string? value)
    {
        var space = value?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
        return space > 0 && long.TryParse(value.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var token)
            ? new LeaderLeaseTerm(token, value![(space + 1)..])
            : null;
    }
}
