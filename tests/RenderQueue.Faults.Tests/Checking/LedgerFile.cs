using System.Globalization;

namespace RenderQueue.Faults.Tests.Checking;

/// <summary>
/// Reads the ledger folder that the simulated runner of every worker process appends to, one <c>PID.tsv</c> file
/// per process (see <c>RenderQueue.Worker.Runtime.Simulated.ExecutionLedger</c>): a <c>start</c> line and, unless the
/// process died, an <c>end</c> line per execution, paired by job, attempt and process id.
/// </summary>
public static class LedgerFile
{
    public static IReadOnlyList<Execution> Read(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        return Directory.GetFiles(folder, "*.tsv").SelectMany(path =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return Parse(reader.ReadToEnd());
        }).OrderBy(e => e.StartedAt).ToList();
    }

    /// <summary>
    /// Parses ledger text. A last line without its newline is a write still in progress and is left for the next
    /// read; any other malformed line, or an end without its start, is an error: the ledger is the evidence.
    /// </summary>
    public static IReadOnlyList<Execution> Parse(string text)
    {
        var executions = new List<Execution>();
        var open = new Dictionary<(string, int, int), int>();
        var complete = text.EndsWith('\n') ? text : text[..(text.LastIndexOf('\n') + 1)];
        foreach (var line in complete.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            if (f.Length < 5 || !int.TryParse(f[2], CultureInfo.InvariantCulture, out var attempt) || !int.TryParse(f[3], CultureInfo.InvariantCulture, out var pid)
                || !DateTimeOffset.TryParse(f[4], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
                throw new FormatException($"Malformed ledger line: '{line}'.");
            var key = (f[1], attempt, pid);
            switch (f[0])
            {
                case "start" when f.Length == 5:
                    open[key] = executions.Count;
                    executions.Add(new Execution(f[1], attempt, pid, at));
                    break;
                case "end" when f.Length == 6 && open.Remove(key, out var index):
                    executions[index] = executions[index] with { EndedAt = at, Outcome = f[5] };
                    break;
                default:
                    throw new FormatException($"Ledger line out of place (an end needs its start): '{line}'.");
            }
        }
        return executions;
    }
}
