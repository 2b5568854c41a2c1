using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RenderQueue.Server.Webhooks;

/// <summary>
/// The Standard Webhooks signature: <c>v1,</c> and the base64 of HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c>,
/// keyed with the secret's bytes. Receivers recompute it and compare in constant time (docs/security.md).
/// </summary>
internal static class WebhookSignature
{
    public static string Sign(ReadOnlySpan<byte> key, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(messageId + "." + timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
