using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace RenderQueue.Worker.Runtime.Simulated;

/// <summary>
/// A folder of append-only text files, one per worker process (<c>PID.tsv</c>), with one line per execution start
/// and end. Lines are tab-separated:
/// <code>
/// start  JOB_ID  ATTEMPT  PID  2026-01-01T00:00:00.0000000+00:00
/// end    JOB_ID  ATTEMPT  PID  2026-01-01T00:00:02.0000000+00:00  OUTCOME
/// </code>
/// OUTCOME is <c>succeeded</c>, <c>failed:CLASS</c> or <c>canceled</c>, as the runner saw it (whether the server
/// accepted the completion is the server's to say). A start without an end is an execution that died.
/// One file per process because .NET's <see cref="FileMode.Append"/> seeks to the end rather than opening with
/// <c>O_APPEND</c>, so two processes appending to one file overwrite each other's lines; within a process, writes
/// to a file are serialized.
/// </summary>
public sealed class ExecutionLedger(string folder, TimeProvider time)
{
    private static readonly int ProcessId = Environment.ProcessId;
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Writers = new(StringComparer.Ordinal);

    public string Folder { get; } = folder;

    /// <summary>This process's file.</summary>
    public string Path => System.IO.Path.Combine(System.IO.Path.GetFullPath(Folder), ProcessId.ToString(CultureInfo.InvariantCulture) + ".tsv");

    public Task RecordStartAsync(string jobId, int attempt, CancellationToken cancellationToken) =>
        AppendAsync(string.Create(CultureInfo.InvariantCulture, $"start\t{jobId}\t{attempt}\t{ProcessId}\t{time.GetUtcNow():O}\n"), cancellationToken);

    /// <summary>Written whatever ended the run, a cancel included, so it takes no token.</summary>
    public Task RecordEndAsync(string jobId, int attempt, string outcome) =>
        AppendAsync(string.Create(CultureInfo.InvariantCulture, $"end\t{jobId}\t{attempt}\t{ProcessId}\t{time.GetUtcNow():O}\t{outcome}\n"), CancellationToken.None);

    private async Task AppendAsync(string line, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var path = Path;
        var writer = Writers.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await writer.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            await using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
            });
            await stream.WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            writer.Release();
        }
    }
}
