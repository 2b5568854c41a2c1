using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RenderQueue.Core.Jobs;

/// <summary>
/// Job ids are 26-character, lowercase Crockford base32 ULIDs: 48 bits of milliseconds then 80 random bits.
/// They sort by creation time, are URL-safe, and need no coordination between servers.
/// </summary>
public static class JobId
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>A new id stamped with <paramref name="time"/>'s current time.</summary>
    public static string New(TimeProvider time)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(ms & 0xFF);
            ms >>= 8;
        }
        RandomNumberGenerator.Fill(bytes[6..]);
        return Encode(bytes);
    }

    /// <summary>True when <paramref name="text"/> has the shape of a job id (used to reject junk early).</summary>
    public static bool IsValid(string? text)
    {
        if (text is null || text.Length != 26 || text[0] > '7') return false;
        foreach (var c in text)
        {
            if (!Alphabet.Contains(c, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        // 128 bits -> 26 chars of 5 bits; the first char carries the top 3 bits.
        var value = new UInt128(
            BinaryPrimitives.ReadUInt64BigEndian(bytes[..8]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        return string.Create(26, value, static (chars, v) =>
        {
            for (var i = 25; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }
}
