using System.Net;
using System.Text;
using RenderQueue.Core.Api;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Storage;

namespace RenderQueue.Server.Tests;

/// <summary><c>PATCH /api/v1/queues/{name}</c>: weight and max_running, stored and shown in the queue list.</summary>
public sealed class QueueSettingsApiTests : IDisposable
{
    private readonly RenderQueueApp _app = new();
    private readonly HttpClient _http;

    public QueueSettingsApiTests() => _http = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    private Task<HttpResponseMessage> Patch(string queue, string json, HttpClient? http = null) =>
        (http ?? _http).PatchAsync($"/api/v1/queues/{queue}", new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<QueueInfo> Listed(string queue) =>
        (await (await _http.GetAsync("/api/v1/queues")).ReadAsync<ItemsResponse<QueueInfo>>()).Items.Single(q => q.Name == queue);

    [Fact]
    public async Task Patch_sets_weight_and_cap_of_a_queue_with_no_jobs_yet_and_the_list_shows_them()
    {
        var patched = await (await Patch("finals", """{"weight": 3, "max_running": 4}""")).ReadAsync<QueueInfo>();

        Assert.Equal(("finals", 3, (int?)4), (patched.Name, patched.Weight, patched.MaxRunning));
        Assert.Equal(new QueueSettings(3, 4), (await Listed("finals")).Settings);
    }

    [Fact]
    public async Task A_field_left_out_is_kept_and_a_null_cap_removes_the_cap()
    {
        await (await Patch("finals", """{"weight": 3, "max_running": 4}""")).ReadAsync<QueueInfo>();

        Assert.Equal(new QueueSettings(5, 4), (await (await Patch("finals", """{"weight": 5}""")).ReadAsync<QueueInfo>()).Settings);
        Assert.Equal(new QueueSettings(5, null), (await (await Patch("finals", """{"max_running": null}""")).ReadAsync<QueueInfo>()).Settings);
    }

    [Fact]
    public async Task The_queue_list_shows_weight_1_and_a_null_cap_by_default()
    {
        await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "renders"}""");

        var text = await (await _http.GetAsync("/api/v1/queues")).Content.ReadAsStringAsync();

        Assert.Contains("\"weight\":1", text, StringComparison.Ordinal);
        Assert.Contains("\"max_running\":null", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"weight": 0}""", "weight", "from 1 to 1000")]
    [InlineData("""{"weight": 1001}""", "weight", "from 1 to 1000")]
    [InlineData("""{"weight": 2.5}""", "weight", "whole number")]
    [InlineData("""{"weight": "3"}""", "weight", "whole number")]
    [InlineData("""{"weight": null}""", "weight", "whole number")]
    [InlineData("""{"max_running": 0}""", "max_running", "or null for no cap")]
    [InlineData("""{"max_running": "many"}""", "max_running", "or null for no cap")]
    [InlineData("""{}""", "weight", "Nothing to change")]
    public async Task Bad_values_are_400_naming_the_field_and_the_rule(string json, string field, string rule)
    {
        await (await Patch("finals", """{"weight": 2}""")).ReadAsync<QueueInfo>();

        var problem = await (await Patch("finals", json)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(field, problem.ErrorFields());
        Assert.Contains(rule, problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(new QueueSettings(2, null), (await Listed("finals")).Settings);
    }

    [Fact]
    public async Task Unknown_fields_and_bad_names_are_400()
    {
        await (await Patch("finals", """{"weight": 2, "priority": 1}""")).AssertProblemAsync(HttpStatusCode.BadRequest);
        var problem = await (await Patch("bad%20name", """{"weight": 2}""")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("name", problem.ErrorFields());
    }

    [Fact]
    public async Task Only_an_admin_key_changes_settings()
    {
        using var submitter = _app.ClientWithKey(await _app.CreateKeyAsync(ApiKeyRole.Submit));

        await (await Patch("finals", """{"weight": 2}""", submitter)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await submitter.GetAsync("/api/v1/queues")).StatusCode);
    }

    [Fact]
    public async Task Leases_over_http_follow_the_weights()
    {
        await (await Patch("big", """{"weight": 3}""")).ReadAsync<QueueInfo>();
        for (var i = 0; i < 8; i++)
        {
            await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "small"}""");
            await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "big"}""");
        }
        await _http.RegisterWorkerAsync("gpu-1");

        var leased = new List<string>();
        for (var i = 0; i < 8; i++) leased.Add((await _http.LeaseAsync("gpu-1")).Single().Queue);

        Assert.Equal(6, leased.Count(q => q == "big"));
    }
}
