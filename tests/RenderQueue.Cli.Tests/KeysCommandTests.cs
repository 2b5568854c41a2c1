using System.Net;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Workers;

namespace RenderQueue.Cli.Tests;

/// <summary><c>renderq keys</c> against the real server's keys API, and the key every command sends.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Keys_create_list_and_revoke_with_an_admin_key()
    {
        var created = await _cli.RunAsync("keys", "create", "--role", "worker", "--name", "gpu-box-1");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = Assert.Single(created.OutLines);
        Assert.StartsWith("rq_", key, StringComparison.Ordinal);
        Assert.Contains("shown only this once", created.Error, StringComparison.Ordinal);
        var id = key[3..19];

        using var asWorker = _cli.App.ClientWithKey(key);
        using (var worker = _cli.App.ClientSending(key))
            await worker.RegisterWorkerAsync(new WorkerRegistration { Id = "gpu-box-1", Name = "gpu-box-1", Types = ["comfyui"] });
        Assert.Equal(HttpStatusCode.Forbidden, (await asWorker.GetAsync("/api/v1/keys")).StatusCode);

        var table = await _cli.RunAsync("keys", "list");
        Assert.Equal(0, table.ExitCode);
        Assert.Matches($"(?m)^{id} +worker +gpu-box-1 +\\d{{4}}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +active$", table.Out);
        Assert.DoesNotContain(key, table.Out, StringComparison.Ordinal);
        var listed = (await _cli.RunAsync("keys", "list", "--json")).Json().GetProperty("items").EnumerateArray()
            .Single(k => k.GetProperty("id").GetString() == id);
        Assert.Equal("worker", listed.GetProperty("role").GetString());

        var revoked = await _cli.RunAsync("keys", "revoke", id);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Equal($"{id}: revoked (worker key 'gpu-box-1')", revoked.Out.Trim());
        Assert.Equal(HttpStatusCode.Unauthorized, (await asWorker.GetAsync("/api/v1/keys")).StatusCode);
        Assert.Matches($"(?m)^{id} +worker +gpu-box-1 +\\S+ \\S+ +revoked ", (await _cli.RunAsync("keys", "list")).Out);
    }

    [Fact]
    public async Task Create_names_the_key_after_its_role_by_default_and_prints_json_on_request()
    {
        var created = (await _cli.RunAsync("keys", "create", "--role", "submit", "--json")).Json();
        Assert.Equal("submit", created.GetProperty("role").GetString());
        Assert.StartsWith("submit-", created.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("rq_", created.GetProperty("key").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_that_does_not_exist_is_a_usage_error()
    {
        var result = await _cli.RunAsync("keys", "create", "--role", "root");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("root", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_command_sends_the_key_renderq_was_given()
    {
        _cli.Environment.Remove(ServerSettings.KeyVariable);
        var anonymous = await _cli.RunAsync("ls");
        Assert.Equal(1, anonymous.ExitCode);
        Assert.StartsWith("renderq: 401 ", anonymous.Error, StringComparison.Ordinal);
        Assert.Contains("no key was sent", anonymous.Error, StringComparison.Ordinal);

        var submitKey = await _cli.App.CreateKeyAsync(ApiKeyRole.Submit, "render-farm-ui");
        Assert.Equal(0, (await _cli.RunAsync("ls", "--key", submitKey)).ExitCode);
        _cli.Environment[ServerSettings.KeyVariable] = submitKey;
        Assert.Equal(0, (await _cli.RunAsync("submit", _cli.Fixture("txt2img.api.json"))).ExitCode);

        var notAdmin = await _cli.RunAsync("keys", "list");
        Assert.Equal(1, notAdmin.ExitCode);
        Assert.StartsWith("renderq: 403 ", notAdmin.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("no key was sent", notAdmin.Error, StringComparison.Ordinal);
    }
}
