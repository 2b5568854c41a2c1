using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RenderQueue.Agent.Simulated;

/// <summary>
/// An append-only text file with one line per execution start and end, shared by every worker process that is
/// given the same path. Lines are tab-separated:
/// <code>
/// start  JOB_ID  ATTEMPT  PID  2026-01-01T00:00:00.0000000+00:00
/// end    JOB_ID  ATTEMPT  PID  2026-01-01T00:00:02.0000000+00:00  OUTCOME
/// </code>
/// OUTCOME is <c>succeeded</c>, <c>failed:CLASS</c> or <c>canceled</c>, as the runner saw it (whether the server
/// accepted the completion is the server's to say). A start without an end is an execution that died.
/// Each line is written with one append-mode write, which POSIX keeps whole between processes.
/// </summary>
public sealed class ExecutionLedger(string path, TimeProvider time)
{
    private static readonly int ProcessId = Environment.ProcessId;

    public string Path { get; } = path;

    public Task RecordStartAsync(string jobId, int attempt, CancellationToken cancellationToken) =>
        AppendAsync(string.Create(CultureInfo.InvariantCulture, $"start\t{jobId}\t{attempt}\t{ProcessId}\t{time.GetUtcNow():O}\n"), cancellationToken);

    public Task RecordEndAsync(string jobId, int attempt, string outcome, CancellationToken cancellationToken) =>
        AppendAsync(string.Create(CultureInfo.InvariantCulture, $"end\t{jobId}\t{attempt}\t{ProcessId}\t{time.GetUtcNow():O}\t{outcome}\n"), cancellationToken);

    private async Task AppendAsync(string line, CancellationToken cancellationToken)
    {
        Debug.Assert(line.EndsWith('\n'));
        var bytes = Encoding.UTF8.GetBytes(line);
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (folder is not null) Directory.CreateDirectory(folder);
        await using var stream = new FileStream(Path, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
        });
        await stream.WriteAsync(bytes, cancellationToken);
    }
}
