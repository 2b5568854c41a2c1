using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Storage;
using RenderQueue.Dashboard.Tests.Support;
using RenderQueue.Processes;
using RenderQueue.Testing;

namespace RenderQueue.Dashboard.Tests.Safety;

/// <summary>A server with keys (an admin and a worker key), and per-job webhooks allowed to 127.0.0.1.</summary>
public sealed class KeyedServer : DashboardServer
{
    public string AdminKey { get; private set; } = "";

    public string WorkerKey { get; private set; } = "";

    /// <summary>A port nothing listens on: webhooks sent there fail, and each attempt is recorded.</summary>
    public int ClosedPort { get; } = FreePort.Next();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Webhooks:AllowedHosts:0", "127.0.0.1");
        builder.UseSetting("Webhooks:JobSecret", "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        builder.UseSetting("Webhooks:PollInterval", "00:00:00.200");
        builder.UseSetting("Webhooks:RetryBaseDelay", "00:00:01");
    }

    protected override async Task SeedAsync()
    {
        var store = Services.GetRequiredService<IJobStore>();
        (AdminKey, var admin) = TestApiKeys.New("ops", ApiKeyRole.Admin);
        (WorkerKey, var worker) = TestApiKeys.New("gpu-box-1", ApiKeyRole.Worker);
        await store.CreateApiKeyAsync(admin, CancellationToken.None);
        await store.CreateApiKeyAsync(worker, CancellationToken.None);
        SendKey(AdminKey);
    }
}

/// <summary>The dashboard on a server with keys: it asks for an admin key, acts through its session cookie, logs out.</summary>
[Collection(ActionsCollection.Name)]
public sealed class LoginTests(Chromium chromium, KeyedServer server) : DashboardTest<KeyedServer>(chromium, server)
{
    private async Task<DashboardPage> OpenAndLogInAsync(string hash)
    {
        var ui = await OpenAsync(hash, waitUntilLive: false);
        ui.Allow(401, "/api/v1/session"); // the first look: not logged in yet
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();
        await ui.Page.GetByLabel("Admin API key").FillAsync(Server.AdminKey);
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await ui.WaitUntilLiveAsync();
        return ui;
    }

    [Fact]
    public async Task A_worker_key_is_refused_an_admin_key_logs_in_pauses_a_queue_and_logs_out()
    {
        await Api.SubmitAsync(Jobs.Idle("posters"));
        var ui = await OpenAsync("#/queues", waitUntilLive: false);
        ui.Allow(401, "/api/v1/session");
        ui.Allow(403, "/api/v1/session");
        var page = ui.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();

        await page.GetByLabel("Admin API key").FillAsync(Server.WorkerKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.Locator(".error-box")).ToContainTextAsync("needs an admin key");
        Assert.DoesNotContain(await ui.Context.CookiesAsync(), c => c.Name == "rq_session");

        await page.GetByLabel("Admin API key").FillAsync(Server.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await ui.WaitUntilLiveAsync();
        var cookie = (await ui.Context.CookiesAsync()).Single(c => c.Name == "rq_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(Server.AdminKey[20..], cookie.Value, StringComparison.Ordinal);
        Assert.False(await page.EvaluateAsync<bool>("() => document.cookie.includes('rq_session')"));

        var row = page.Locator("tr[data-queue='posters']");
        await row.GetByRole(AriaRole.Button, new() { Name = "Pause queue posters" }).ClickAsync(); // a POST with the session's CSRF token
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("Paused");
        Assert.True((await Api.ListQueuesAsync()).Single(q => q.Name == "posters").Paused);

        await page.ReloadAsync(); // the session outlives the page
        await ui.WaitUntilLiveAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await ui.Context.CookiesAsync(), c => c.Name == "rq_session");
    }

    [Fact]
    public async Task A_jobs_webhook_attempts_are_shown_on_its_page()
    {
        var url = $"http://127.0.0.1:{Server.ClosedPort}/hooks/renderqueue";
        var job = await Api.SubmitAsync(Jobs.Idle("webhooked") with { Webhook = url });
        await Api.CancelAsync(job.Id);
        await WaitForAttemptAsync(job.Id);

        var ui = await OpenAndLogInAsync($"#/jobs/{job.Id}");

        var deliveries = ui.Page.GetByRole(AriaRole.Region, new() { Name = "Webhook deliveries" });
        await Assertions.Expect(deliveries).ToContainTextAsync(url);
        await Assertions.Expect(deliveries).ToContainTextAsync("job.canceled");
        await Assertions.Expect(deliveries.Locator(".attempt-list li").First).ToContainTextAsync("#1");
        await Assertions.Expect(deliveries.Locator(".attempt-list li").First).ToContainTextAsync("no answer");
    }

    /// <summary>Polls the job's deliveries through the API until the first attempt is recorded.</summary>
    private async Task WaitForAttemptAsync(string jobId)
    {
        using var http = new HttpClient { BaseAddress = Server.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Server.AdminKey);
        for (var i = 0; i < 600; i++)
        {
            using var answer = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/jobs/{jobId}/webhooks"));
            if (answer.RootElement.GetProperty("items").EnumerateArray().Any(d => d.GetProperty("attempts").GetArrayLength() > 0)) return;
            await Task.Delay(100);
        }
        Assert.Fail("The job's webhook was never attempted.");
    }
}
