// docs/security.md's C# receiver snippet, verbatim from its WebhookSignature class to the end of its code block,
// compiled here so the documented code builds; SecurityDocsTests checks the two still match and runs it on a real webhook.
using System.Security.Cryptography;
using System.Text;

namespace RenderQueue.Server.Tests.DocSnippets;

static class WebhookSignature
{
    public static bool IsValid(string secret, string? id, string? timestamp, string? signatures, byte[] body, TimeSpan tolerance)
    {
        if (id is null || signatures is null || !long.TryParse(timestamp, out var seconds)) return false;
        if ((DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance) return false;
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        var expected = HMACSHA256.HashData(key, signed);
        foreach (var signature in signatures.Split(' '))
        {
            var given = new byte[32];
            if (signature.StartsWith("v1,", StringComparison.Ordinal)
                && Convert.TryFromBase64String(signature[3..], given, out var length) && length == 32
                && CryptographicOperations.FixedTimeEquals(given, expected))
                return true;
        }
        return false;
    }
}
