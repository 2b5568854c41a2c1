using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace RenderQueue.Server.Auth;

/// <summary>
/// The text of an API key: <c>rq_{id}_{secret}</c>, where the id is 16 lowercase base32 characters (public: it is
/// how the key is found, and what lists and logs show) and the secret is 32 random bytes in URL-safe base64. The
/// store keeps only the SHA-256 of the whole text; a presented key is found by its id and its hash compared in
/// constant time. A fast hash is enough here: with 256 random bits there is nothing to guess, so the slow
/// password hashes (PBKDF2, bcrypt) would only slow every request down.
/// </summary>
internal static class ApiKeyText
{
    public const string Prefix = "rq_";
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int IdLength = 16;
    private const int SecretBytes = 32;
    private static readonly int SecretLength = Base64Url.GetEncodedLength(SecretBytes);

    /// <summary>The full length of a key: 63 characters.</summary>
    public static int Length { get; } = Prefix.Length + IdLength + 1 + SecretLength;

    /// <summary>A new random key and its id.</summary>
    public static (string Id, string Key) New()
    {
        Span<char> id = stackalloc char[IdLength];
        for (var i = 0; i < id.Length; i++) id[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        Span<byte> secret = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(secret);
        var idText = new string(id);
        return (idText, Prefix + idText + "_" + Base64Url.EncodeToString(secret));
    }

    /// <summary>The id of a text shaped like a key; false for anything else (no store lookup is needed to refuse it).</summary>
    public static bool TryReadId(string text, out string id)
    {
        id = "";
        if (text.Length != Length || !text.StartsWith(Prefix, StringComparison.Ordinal) || text[Prefix.Length + IdLength] != '_') return false;
        var idPart = text.AsSpan(Prefix.Length, IdLength);
        foreach (var c in idPart)
        {
            if (!Alphabet.Contains(c, StringComparison.Ordinal)) return false;
        }
        id = idPart.ToString();
        return true;
    }

    /// <summary>True when <paramref name="id"/> could be a key's id (route values are checked before a lookup).</summary>
    public static bool IsId(string? id) => id is { Length: IdLength } && id.All(c => Alphabet.Contains(c, StringComparison.Ordinal));

    /// <summary>Lowercase hex SHA-256 of the key, as stores keep it.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Compares the key's hash with a stored one in constant time.</summary>
    public static bool Matches(string key, string storedHash)
    {
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), presented);
        Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
        return Convert.FromHexString(storedHash, stored, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == stored.Length
            && CryptographicOperations.FixedTimeEquals(presented, stored);
    }
}
