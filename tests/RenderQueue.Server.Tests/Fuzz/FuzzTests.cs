using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Json;
using RenderQueue.Processes;

namespace RenderQueue.Server.Tests.Fuzz;

/// <summary>
/// A bounded, seeded fuzz run against the server on real Kestrel (127.0.0.1): every route the app maps, found in its
/// <see cref="EndpointDataSource"/>, gets valid, mutated and random requests over raw TCP, and the events WebSocket
/// gets random frames. Passes with zero 5xx answers, nothing logged as an error, and the server healthy and working
/// afterwards.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20_261_122;
    private const int Requests = 4_000;
    private const int Sockets = 60;
    private const int Parallel = 4;

    [Fact]
    public async Task Random_and_mutated_requests_to_every_endpoint_get_no_5xx_and_leave_the_server_healthy()
    {
        var errors = new ErrorLog();
        var port = FreePort.Next();
        using var app = new RenderQueueApp(TimeProvider.System)
            .With("Leases:MaxWait", "00:00:00.200")
            .With("Limits:MaxJsonStringBytes", "4096")
            .With("Limits:MaxJsonBodyBytes", "65536")
            .With("Limits:MaxArtifactBytes", "65536")
            .With("RateLimits:RequestsPerSecond", "1000000")
            .With("RateLimits:Burst", "1000000")
            .With("Webhooks:JobSecret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw/3hN4FLD4Qk=")
            .With("Logging:LogLevel:Default", "Warning")
            .WithServices(services => services.AddSingleton<ILoggerProvider>(errors));
        app.UseKestrel(port);
        app.StartServer();
        var server = new IPEndPoint(IPAddress.Loopback, port);
        var targets = await PrepareAsync(app);
        output.WriteLine($"{targets.Endpoints.Count} routes: {string.Join(", ", targets.Endpoints.Select(e => $"{string.Join('|', e.Methods)} {e.Pattern}"))}");

        var statuses = new ConcurrentDictionary<int, int>();
        var serverErrors = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, Parallel), async (lane, _) =>
        {
            var fuzzer = new RequestFuzzer(targets, Seed + lane);
            for (var i = 0; i < Requests / Parallel; i++)
            {
                var (method, target, headers, body) = fuzzer.Next();
                var status = await RawHttp.SendAsync(server, RawHttp.Build(method, target, headers, body, $"127.0.0.1:{port}"), TimeSpan.FromSeconds(20)) ?? 0;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status >= 500) serverErrors.Enqueue($"{status} for {method} {Shorten(target)} body {Shorten(body is null ? "" : System.Text.Encoding.UTF8.GetString(body))}");
            }
        });
        var httpSeconds = clock.Elapsed.TotalSeconds;

        var random = new Random(Seed);
        var handshakes = new List<int>();
        var frames = 0;
        for (var i = 0; i < Sockets; i++)
        {
            var (handshake, sent) = await WebSocketFuzzer.RunAsync(server, app.AdminKey, random, TimeSpan.FromSeconds(15));
            handshakes.Add(handshake);
            frames += sent;
        }

        output.WriteLine($"{Requests} requests in {httpSeconds:0.0} s ({Requests / httpSeconds:0} requests/s); statuses: " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "closed without answer" : s.Key)}×{s.Value}")));
        output.WriteLine($"{Sockets} event sockets, {frames} random frames, total {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(serverErrors.IsEmpty, string.Join("\n", serverErrors.Take(20)));
        Assert.All(handshakes, h => Assert.Equal(101, h));
        Assert.True(errors.Entries.IsEmpty, "logged as errors:\n" + string.Join("\n", errors.Entries.Take(10)));
        await AssertStillWorksAsync(app);
    }

    /// <summary>A few jobs in every state, a worker, keys and a subscription, so parameters can name real things.</summary>
    private static async Task<FuzzTargets> PrepareAsync(RenderQueueApp app)
    {
        var http = app.CreateClient();
        await http.RegisterWorkerAsync("gpu-1");
        var jobs = new List<string>();
        for (var i = 0; i < 6; i++) jobs.Add((await http.SubmitAsync("""{"type": "simulated", "payload": {"n": 1}, "queue": "fuzz"}""")).Id);
        foreach (var leased in await http.LeaseAsync("gpu-1", maxJobs: 3))
        {
            var upload = new ByteArrayContent([1, 2, 3]);
            await http.PutAsync($"/api/v1/leases/{leased.Id}/artifacts/out.png?attempt={leased.Attempt}", upload);
            if (leased.Id == jobs[0]) await http.CompleteAsync(leased.Id, leased.Attempt);
        }
        var worker = await app.CreateKeyAsync(ApiKeyRole.Worker, "fuzz-worker");
        var submit = await app.CreateKeyAsync(ApiKeyRole.Submit, "fuzz-client");
        var created = await (await http.PostJsonAsync("/api/v1/webhooks", """{"url": "https://hooks.example.invalid/x"}""")).ReadAsync<CreatedWebhook>();
        // Route ids of keys name a spare key and made-up ones: revoking the keys the fuzzer sends would turn the rest of
        // the run into 401s.
        var spare = (await app.CreateKeyAsync(ApiKeyRole.Submit, "fuzz-spare")).Substring(3, 16);
        List<string> keyIds = [spare, "0000000000000000", "zzzzzzzzzzzzzzzz"];

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'),
                Methods: (IReadOnlyList<string>)(e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])))
            .ToList();
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} endpoints found");
        var login = await app.ClientWithKey(null).PostJsonAsync("/api/v1/session", JsonSerializer.Serialize(new { key = app.AdminKey }));
        var cookie = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var csrf = (await login.ReadAsync<JsonElement>()).GetProperty("csrf_token").GetString()!;
        return new FuzzTargets(endpoints, [.. jobs, JobId.New(TimeProvider.System)], ["gpu-1", "ghost"], keyIds, [created.Id, "wh_none"],
            [app.AdminKey, app.AdminKey, worker, submit], (cookie, csrf));
    }

    private static async Task AssertStillWorksAsync(RenderQueueApp app)
    {
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        await http.RegisterWorkerAsync("after-fuzz");
        var job = await http.SubmitAsync("""{"type": "after-fuzz", "payload": {}, "queue": "after-fuzz"}""");
        await http.PostJsonAsync("/api/v1/workers/register", """{"id": "after-fuzz", "name": "after", "types": ["after-fuzz"]}""");
        var leased = (await http.LeaseAsync("after-fuzz")).Single();
        Assert.Equal(job.Id, leased.Id);
        Assert.Equal(HttpStatusCode.OK, (await http.CompleteAsync(job.Id, leased.Attempt)).StatusCode);
        Assert.Equal(JobState.Succeeded, (await http.GetJobAsync(job.Id)).State);
        var metrics = await (await http.GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Contains("renderqueue_jobs", metrics, StringComparison.Ordinal);
        _ = JsonSerializer.Serialize(job, RenderQueueJson.Options);
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + $"… ({text.Length} chars)";

    /// <summary>Every Error or Critical log entry, with its exception: an unhandled exception anywhere fails the run.</summary>
    private sealed class ErrorLog : ILoggerProvider
    {
        public ConcurrentQueue<string> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ErrorLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) log.Entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
