using System.Text.Json;

namespace RenderQueue.Server.Tests;

/// <summary>The OpenAPI document lists each endpoint's problem+json answers, so generated clients know them.</summary>
public sealed class OpenApiTests(OpenApiTests.Document document) : IClassFixture<OpenApiTests.Document>
{
    public sealed class Document : IDisposable
    {
        private readonly RenderQueueApp _app = new();

        public Document() =>
            Paths = JsonDocument.Parse(_app.CreateClient().GetStringAsync("/openapi/v1.json").GetAwaiter().GetResult()).RootElement.GetProperty("paths").Clone();

        public JsonElement Paths { get; }

        public void Dispose() => _app.Dispose();
    }

    /// <summary>Every operation as (method, path, responses).</summary>
    private IEnumerable<(string Method, string Path, JsonElement Responses)> Operations() =>
        document.Paths.EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(op => op.Value.TryGetProperty("responses", out _))
            .Select(op => (op.Name, path.Name, op.Value.GetProperty("responses"))));

    private static bool IsProblem(JsonElement responses, string status) =>
        responses.TryGetProperty(status, out var response) && response.TryGetProperty("content", out var content)
        && content.TryGetProperty("application/problem+json", out _);

    [Fact]
    public void Lease_complete_lists_its_conflict_and_not_found_as_problems()
    {
        var responses = Operations().Single(o => o is { Method: "post", Path: "/api/v1/leases/{jobId}/complete" }).Responses;

        foreach (var status in new[] { "400", "401", "403", "404", "409", "413", "429", "503" })
            Assert.True(IsProblem(responses, status), $"lease complete lacks a {status} problem");
    }

    [Fact]
    public void Every_api_endpoint_lists_its_auth_and_rate_limit_problems()
    {
        var api = Operations().Where(o => o.Path.StartsWith("/api/v1/", StringComparison.Ordinal)).ToList();
        Assert.True(api.Count > 30, $"only {api.Count} operations under /api/v1");
        foreach (var (method, path, responses) in api)
        {
            string[] auth = (method, path) switch
            {
                ("get", "/api/v1/session") => ["401"], // any key will do: no role to lack
                ("delete", "/api/v1/session") => ["403"], // needs no key; a session's logout needs its CSRF token
                _ => ["401", "403"],
            };
            foreach (var status in auth.Append("429"))
                Assert.True(IsProblem(responses, status), $"{method.ToUpperInvariant()} {path} lacks a {status} problem");
        }
    }

    [Fact]
    public void Endpoints_with_a_json_body_list_its_refusals()
    {
        var responses = Operations().Single(o => o is { Method: "post", Path: "/api/v1/jobs" }).Responses;

        foreach (var status in new[] { "400", "413", "415", "503" })
            Assert.True(IsProblem(responses, status), $"submit lacks a {status} problem");
        Assert.False(responses.TryGetProperty("409", out _), "submit never answers 409");
    }
}
