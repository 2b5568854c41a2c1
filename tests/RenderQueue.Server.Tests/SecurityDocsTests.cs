using System.Diagnostics;
using System.Text.Json;
using RenderQueue.Core.Api;
using RenderQueue.Core.Json;
using RenderQueue.Processes;

namespace RenderQueue.Server.Tests;

/// <summary>
/// The receiver snippets in docs/security.md work on a real webhook: the Python one is run as written; the C# one is
/// compiled into these tests (DocSnippets/WebhookSignature.cs), checked to be the doc's text, and called.
/// </summary>
public sealed class SecurityDocsTests : IDisposable
{
    private readonly RenderQueueApp _app = WebhookTests.Fast(new RenderQueueApp(TimeProvider.System)).With("Webhooks:AllowedHosts:0", "127.0.0.1");
    private readonly TempDirectory _folder = new("renderqueue-docs");

    public void Dispose()
    {
        _app.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task The_python_verification_snippet_accepts_a_real_webhook_and_refuses_a_tampered_one()
    {
        var python = ExecutableLookup.Require("python3", "python3");
        await using var receiver = new WebhookReceiver();
        var (secret, received) = await ReceiveOneWebhookAsync(receiver);

        var snippet = Snippet("**Verifying, in Python**", "```python");
        Assert.Equal("True", await RunAsync(python, snippet, secret, received.Id, received.Timestamp, received.Signature, received.Body));
        byte[] tampered = [.. received.Body[..^1], (byte)' ', received.Body[^1]];
        Assert.Equal("False", await RunAsync(python, snippet, secret, received.Id, received.Timestamp, received.Signature, tampered));
        Assert.Equal("False", await RunAsync(python, snippet, WebhookTests.JobSecret, received.Id, received.Timestamp, received.Signature, received.Body));
    }

    [Fact]
    public async Task The_csharp_verification_snippet_is_the_compiled_one_and_accepts_a_real_webhook()
    {
        var documented = Snippet("**Verifying, in C#**", "```csharp");
        var compiledFile = File.ReadAllText(Repository.PathOf("tests", "RenderQueue.Server.Tests", "DocSnippets", "WebhookSignature.cs"));
        var compiled = compiledFile[compiledFile.IndexOf("static class WebhookSignature", StringComparison.Ordinal)..];
        Assert.Contains(compiled.ReplaceLineEndings("\n").Trim(), documented.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        await using var receiver = new WebhookReceiver();
        var (secret, received) = await ReceiveOneWebhookAsync(receiver);

        var tolerance = TimeSpan.FromMinutes(5);
        Assert.True(DocSnippets.WebhookSignature.IsValid(secret, received.Id, received.Timestamp, received.Signature, received.Body, tolerance));
        byte[] tampered = [.. received.Body[..^1], (byte)' ', received.Body[^1]];
        Assert.False(DocSnippets.WebhookSignature.IsValid(secret, received.Id, received.Timestamp, received.Signature, tampered, tolerance));
        Assert.False(DocSnippets.WebhookSignature.IsValid(WebhookTests.JobSecret, received.Id, received.Timestamp, received.Signature, received.Body, tolerance));
        var stale = (DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10)).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(DocSnippets.WebhookSignature.IsValid(secret, received.Id, stale, received.Signature, received.Body, tolerance));
    }

    /// <summary>Subscribes a receiver, cancels a job, and hands back the subscription's secret and what arrived.</summary>
    private async Task<(string Secret, WebhookReceiver.Received Webhook)> ReceiveOneWebhookAsync(WebhookReceiver receiver)
    {
        var http = _app.CreateClient();
        var body = JsonSerializer.Serialize(new CreateWebhookRequest { Url = receiver.Url, Events = ["job.canceled"] }, RenderQueueJson.Options);
        var secret = (await (await http.PostJsonAsync("/api/v1/webhooks", body)).ReadAsync<CreatedWebhook>()).Secret;
        var job = await http.SubmitAsync("""{"type": "simulated", "payload": {"prompt": "a fox ü"}}""");
        await http.PostJsonAsync($"/api/v1/jobs/{job.Id}/cancel", """{"reason": "no longer needed"}""");
        return (secret, (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(30))).Single());
    }

    private async Task<string> RunAsync(string python, string snippet, string secret, string id, string timestamp, string signature, byte[] body)
    {
        var script = _folder.File($"{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, snippet + """

            import json, sys
            case = json.load(open(sys.argv[1]))
            headers = {"webhook-id": case["id"], "webhook-timestamp": case["timestamp"], "webhook-signature": case["signature"]}
            print(is_valid(case["secret"], headers, base64.b64decode(case["body"])))
            """);
        var input = _folder.File($"{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(input, JsonSerializer.Serialize(new { secret, id, timestamp, signature, body = Convert.ToBase64String(body) }));
        using var process = Process.Start(new ProcessStartInfo(python, [script, input]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, errors);
        return output.Trim();
    }

    /// <summary>The first code block after <paramref name="heading"/> in docs/security.md.</summary>
    private static string Snippet(string heading, string fence)
    {
        var text = File.ReadAllText(Repository.PathOf("docs", "security.md"));
        var start = text.IndexOf(fence, text.IndexOf(heading, StringComparison.Ordinal), StringComparison.Ordinal) + fence.Length;
        return text[start..text.IndexOf("```", start, StringComparison.Ordinal)];
    }
}
