using System.Diagnostics;
using System.Text.Json;
using RenderQueue.Core.Api;
using RenderQueue.Core.Json;
using RenderQueue.Testing;

namespace RenderQueue.Server.Tests;

/// <summary>The receiver snippets in docs/security.md work: the Python one is run, as written, on a real webhook.</summary>
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
        var http = _app.CreateClient();
        var body = JsonSerializer.Serialize(new CreateWebhookRequest { Url = receiver.Url, Events = ["job.canceled"] }, RenderQueueJson.Options);
        var secret = (await (await http.PostJsonAsync("/api/v1/webhooks", body)).ReadAsync<CreatedWebhook>()).Secret;
        var job = await http.SubmitAsync("""{"type": "simulated", "payload": {"prompt": "a fox ü"}}""");
        await http.PostJsonAsync($"/api/v1/jobs/{job.Id}/cancel", """{"reason": "no longer needed"}""");
        var received = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(10))).Single();

        var snippet = Snippet("**Verifying, in Python**", "```python");
        Assert.Equal("True", await RunAsync(python, snippet, secret, received.Id, received.Timestamp, received.Signature, received.Body));
        byte[] tampered = [.. received.Body[..^1], (byte)' ', received.Body[^1]];
        Assert.Equal("False", await RunAsync(python, snippet, secret, received.Id, received.Timestamp, received.Signature, tampered));
        Assert.Equal("False", await RunAsync(python, snippet, WebhookTests.JobSecret, received.Id, received.Timestamp, received.Signature, received.Body));
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
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "docs", "security.md"))) folder = folder.Parent;
        Assert.True(folder is not null, "docs/security.md not found above the test's folder");
        var text = File.ReadAllText(Path.Combine(folder.FullName, "docs", "security.md"));
        var start = text.IndexOf(fence, text.IndexOf(heading, StringComparison.Ordinal), StringComparison.Ordinal) + fence.Length;
        return text[start..text.IndexOf("```", start, StringComparison.Ordinal)];
    }
}
