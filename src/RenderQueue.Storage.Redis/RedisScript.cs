using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// One Lua script, run with EVALSHA: a store operation (the state sets, the shared library <c>common.lua</c>, then the
/// script's body, with the key prefix among its arguments) or a standalone script that declares its keys.
/// After a Redis restart (or SCRIPT FLUSH) the server answers NOSCRIPT once; the script is then sent
/// whole with EVAL, which caches it again. Either way it is one atomic round trip.
/// </summary>
internal sealed class RedisScript
{
    private static readonly RedisKey[] NoKeys = [];

    private RedisScript(string name, string text)
    {
        Name = name;
        Text = text;
        Hash = SHA1.HashData(Encoding.UTF8.GetBytes(text));
    }

    public string Name { get; }

    public string Text { get; }

    public byte[] Hash { get; }

    /// <summary>A store operation: <paramref name="prelude"/>, <c>common.lua</c>, then <c>Scripts/{name}.lua</c>.</summary>
    public static RedisScript Load(string name, string prelude) => Compose(name, prelude, Resource(name));

    /// <summary>A store operation that also uses libraries of its own (<c>Scripts/{library}.lua</c>, before its body).</summary>
    public static RedisScript Load(string name, string prelude, params string[] libraries) =>
        Compose(name, prelude, string.Concat(libraries.Select(library => Resource(library) + "\n")) + Resource(name));

    /// <summary>A store operation whose body is given rather than read from <c>Scripts/</c>.</summary>
    public static RedisScript Compose(string name, string prelude, string body) => new(name, prelude + Resource("common") + "\n" + body);

    /// <summary>A script that stands alone, such as the leader lease's.</summary>
    public static RedisScript LoadStandalone(string name) => new(name, Resource(name));

    public Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisValue[] arguments) => EvaluateAsync(database, NoKeys, arguments);

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] arguments)
    {
        try
        {
            return await database.ScriptEvaluateAsync(Hash, keys, arguments);
        }
        catch (RedisServerException error) when (error.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Text, keys, arguments);
        }
    }

    private static string Resource(string name)
    {
        var assembly = typeof(RedisScript).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith($".Scripts.{name}.lua", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
