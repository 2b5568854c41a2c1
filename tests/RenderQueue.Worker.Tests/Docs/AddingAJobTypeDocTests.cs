using System.Text;
using System.Text.RegularExpressions;
using RenderQueue.Core.Jobs;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Worker.Tests.Support;
using RenderQueue.Processes;

namespace RenderQueue.Worker.Tests.Docs;

/// <summary>The runner in docs/adding-a-job-type.md is this folder's <see cref="CaptionRunner"/>, and it works as the doc says.</summary>
public sealed partial class AddingAJobTypeDocTests
{
    [Fact]
    public void The_doc_shows_the_tested_runner_verbatim()
    {
        var doc = File.ReadAllText(Repository.PathOf("docs", "adding-a-job-type.md"));
        var shown = CSharpBlock().Match(doc);
        Assert.True(shown.Success, "docs/adding-a-job-type.md has no ```csharp block");
        var tested = File.ReadAllText(Repository.PathOf("tests", "RenderQueue.Worker.Tests", "Docs", "CaptionRunner.cs"));
        // The file's first line points back to the doc; the namespace differs (the doc uses the reader's own).
        var body = string.Join('\n', tested.ReplaceLineEndings("\n").Split('\n').Skip(1))
            .Replace("namespace RenderQueue.Worker.Tests.Docs;", "namespace MyCompany.RenderWorker;", StringComparison.Ordinal);
        Assert.Equal(body.Trim(), shown.Groups[1].Value.ReplaceLineEndings("\n").Trim());
    }

    [Fact]
    public async Task The_example_runner_writes_a_file_per_line_with_progress()
    {
        var run = new RecordingRun("""{"text": "a red fox\nat dawn\n"}""");
        var result = await new CaptionRunner().RunAsync(run.Run, CancellationToken.None);

        Assert.Equal(2, result!.Value.GetProperty("captions").GetInt32());
        Assert.Equal("a red fox", Encoding.UTF8.GetString(run.Artifacts["caption_001.txt"].Data));
        Assert.Equal("at dawn", Encoding.UTF8.GetString(run.Artifacts["caption_002.txt"].Data));
        Assert.Equal([0.0, 1.0], run.Progress.Select(p => p.Value));
    }

    [Fact]
    public async Task The_example_runner_refuses_a_bad_payload_as_invalid_input()
    {
        var run = new RecordingRun("""{"text": 3}""");
        var failure = await Assert.ThrowsAsync<JobFailedException>(() => new CaptionRunner().RunAsync(run.Run, CancellationToken.None));
        Assert.Equal(ErrorClasses.InvalidInput, failure.Error.Class);
        Assert.False(failure.Retryable);
    }

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
