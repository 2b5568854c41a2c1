using RenderQueue.Core.Jobs;

namespace RenderQueue.Cli.Tests;

public sealed class SeedTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task<List<Job>> AllJobsAsync()
    {
        var jobs = new List<Job>();
        await foreach (var job in _cli.Client.ListAllJobsAsync()) jobs.Add(job);
        return jobs;
    }

    [Fact]
    public async Task Seed_creates_the_set_with_varied_fields_and_a_rerun_adds_nothing()
    {
        string[] args =
        [
            "seed", "--count", "25", "--template", _cli.Fixture("txt2img.api.json"), "--vary", "seed=index",
            "--vary", "filename_prefix=render_{index:0000}", "--queue", "fox", "--batch-size", "10", "--name", "fox-v1",
        ];
        var first = await _cli.RunAsync(args);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.StartsWith("25 jobs in set fox-v1 (indexes 0–24, queue fox)", first.Out);

        var jobs = await AllJobsAsync();
        Assert.Equal(25, jobs.Count);
        foreach (var job in jobs)
        {
            var index = job.Metadata!.Value.GetProperty("index").GetInt32();
            Assert.Equal($"fox-v1:{index}", job.IdempotencyKey);
            Assert.Equal("fox", job.Queue);
            Assert.Equal("comfyui", job.Type);
            var inputs = job.Payload.GetProperty("3").GetProperty("inputs");
            Assert.Equal(index, inputs.GetProperty("seed").GetInt32());
            Assert.Equal(20, inputs.GetProperty("steps").GetInt32());
            Assert.Equal($"render_{index:0000}", job.Payload.GetProperty("9").GetProperty("inputs").GetProperty("filename_prefix").GetString());
        }
        Assert.Equal(Enumerable.Range(0, 25), jobs.Select(j => j.Metadata!.Value.GetProperty("index").GetInt32()).Order());

        var again = await _cli.RunAsync(args);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(25, (await AllJobsAsync()).Count);

        var more = await _cli.RunAsync([.. args.Select(a => a == "25" ? "30" : a)]);
        Assert.Equal(0, more.ExitCode);
        Assert.Equal(30, (await AllJobsAsync()).Count);
    }

    [Fact]
    public async Task Seed_sets_a_field_by_path_and_names_the_set_from_the_template()
    {
        var result = await _cli.RunAsync("seed", "--count", "3", "--start", "100", "--template", _cli.Fixture("txt2img.api.json"),
            "--vary", "$.6.inputs.text=fox number {index}", "--vary", "steps=30");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches("^3 jobs in set txt2img.api-[0-9a-f]{12} ", result.Out);

        var jobs = await AllJobsAsync();
        Assert.Equal(["fox number 100", "fox number 101", "fox number 102"],
            jobs.Select(j => j.Payload.GetProperty("6").GetProperty("inputs").GetProperty("text").GetString()).Order());
        Assert.All(jobs, j => Assert.Equal("blurry", j.Payload.GetProperty("7").GetProperty("inputs").GetProperty("text").GetString()));
        Assert.All(jobs, j => Assert.Equal(30, j.Payload.GetProperty("3").GetProperty("inputs").GetProperty("steps").GetInt32()));
    }

    [Fact]
    public async Task Seed_refuses_a_variation_that_matches_nothing()
    {
        var result = await _cli.RunAsync("seed", "--count", "3", "--template", _cli.Fixture("txt2img.api.json"), "--vary", "sead=index");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("renderq: --vary sead: no node of the workflow has an input named 'sead'; give a path like $.3.inputs.sead.", result.Error.Trim());
        Assert.Empty(await AllJobsAsync());
    }
}
