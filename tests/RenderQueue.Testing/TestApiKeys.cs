using System.Security.Cryptography;
using System.Text;
using RenderQueue.Core.Keys;

namespace RenderQueue.Testing;

/// <summary>
/// Keys for tests that put them straight into a store: the same text a server makes (<c>rq_{id}_{secret}</c>), and
/// the record a store keeps of it (the SHA-256 only).
/// </summary>
public static class TestApiKeys
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static (string Key, ApiKeyRecord Record) New(string name, ApiKeyRole role)
    {
        var id = string.Concat(Enumerable.Range(0, 16).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]));
        var key = $"rq_{id}_{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return (key, new ApiKeyRecord { Id = id, Name = name, Role = role, Hash = hash });
    }
}
