using RenderQueue.Core.Workers;

namespace RenderQueue.Cli.Tests;

public sealed class FleetCommandTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Stats_workers_and_queues_print_tables_and_the_api_json()
    {
        await _cli.Client.RegisterWorkerAsync(new WorkerRegistration
        {
            Id = "gpu-box-1", Name = "gpu-box-1", Types = ["comfyui"], Gpus = [new GpuInfo(0, "RTX 4090", 24564, 23000)],
        });
        Assert.Equal(0, (await _cli.RunAsync("submit", _cli.Fixture("txt2img.api.json"), "--queue", "posters")).ExitCode);

        var stats = await _cli.RunAsync("stats");
        Assert.Equal(0, stats.ExitCode);
        Assert.Matches("(?m)^queued +1$", stats.Out);
        Assert.Matches("(?m)^posters +no +0 +1 ", stats.Out);
        Assert.Contains("1 worker(s) online", stats.Out);
        Assert.Equal(1, (await _cli.RunAsync("stats", "--json")).Json().GetProperty("counts").GetProperty("queued").GetInt32());

        var workers = await _cli.RunAsync("workers");
        Assert.Matches("(?m)^gpu-box-1 +gpu-box-1 +online +comfyui +\\* +RTX 4090 23,000/24,564 MiB", workers.Out);
        Assert.Equal("gpu-box-1", (await _cli.RunAsync("workers", "--json")).Json().GetProperty("items")[0].GetProperty("id").GetString());

        var paused = await _cli.RunAsync("queues", "pause", "posters");
        Assert.Equal("posters: paused", paused.Out.Trim());
        var queues = (await _cli.RunAsync("queues", "--json")).Json().GetProperty("items");
        Assert.True(queues[0].GetProperty("paused").GetBoolean());
        Assert.Equal("posters: running", (await _cli.RunAsync("queues", "resume", "posters")).Out.Trim());
    }

    [Fact]
    public async Task Queues_set_changes_weight_and_cap_and_the_list_shows_them()
    {
        Assert.Equal("finals: weight 3, at most 2 running", (await _cli.RunAsync("queues", "set", "finals", "--weight", "3", "--max-running", "2")).Out.Trim());
        Assert.Matches("(?m)^finals +no +0 +0 +0 +0 +0 +0 +0 +3 +2$", (await _cli.RunAsync("queues")).Out);

        Assert.Equal("finals: weight 3, no cap", (await _cli.RunAsync("queues", "set", "finals", "--max-running", "none")).Out.Trim());
        var queue = (await _cli.Client.ListQueuesAsync()).Single(q => q.Name == "finals");
        Assert.Equal((3, (int?)null), (queue.Weight, queue.MaxRunning));

        var nothing = await _cli.RunAsync("queues", "set", "finals");
        Assert.NotEqual(0, nothing.ExitCode);
        Assert.Contains("Nothing to change", nothing.Error);
        var refused = await _cli.RunAsync("queues", "set", "finals", "--weight", "0");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("from 1 to 1000", refused.Error);
    }

    [Fact]
    public async Task Watch_draws_the_queues_and_exits_0_on_ctrl_c()
    {
        await _cli.Client.SubmitAsync(new() { Type = "simulated", Queue = "renders", Payload = System.Text.Json.JsonDocument.Parse("{}").RootElement });
        using var stop = new CancellationTokenSource();
        var output = new SharedStringWriter();
        var watching = _cli.RunWithHostAsync(["watch"], host => host with { ConnectClient = _cli.Connect }, stop.Token, output);

        // Bounded, so a broken watch fails the test instead of hanging it; nothing here measures time.
        for (var i = 0; i < 3000 && !output.ToString().Contains("worker(s) online", StringComparison.Ordinal) && !watching.IsCompleted; i++)
            await Task.Delay(20);
        await stop.CancelAsync();

        var result = await watching;
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches("(?m)^renders +no +0 +1 ", result.Out);
        Assert.Empty(result.Error);
    }
}
