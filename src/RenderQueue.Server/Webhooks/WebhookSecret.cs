using System.Security.Cryptography;

namespace RenderQueue.Server.Webhooks;

/// <summary>Standard Webhooks secrets: <c>whsec_</c> followed by the base64 of the key bytes.</summary>
internal static class WebhookSecret
{
    public const string Prefix = "whsec_";

    /// <summary>The spec asks for at least 24 bytes; new secrets have 32.</summary>
    public const int MinBytes = 24;

    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static bool TryDecode(string? secret, out byte[] key)
    {
        key = [];
        if (secret is null || !secret.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var text = secret[Prefix.Length..];
        var buffer = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, buffer, out var written) || written < MinBytes) return false;
        key = buffer[..written];
        return true;
    }
}
