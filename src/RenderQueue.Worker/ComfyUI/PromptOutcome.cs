using System.Text.Json;

namespace RenderQueue.Worker.ComfyUI;

/// <summary>How a prompt ended, read from its <c>/history/{id}</c> entry (the source of truth, reference §2 and §5.4).</summary>
internal enum PromptStatus
{
    Succeeded,
    Failed,
    Interrupted,
}

/// <summary>An output file named in the history entry's <c>outputs</c>.</summary>
internal sealed record OutputFile(string Node, string FileName, string Subfolder, string Type);

/// <summary>A history entry, read.</summary>
/// <param name="Status">How the prompt ended.</param>
/// <param name="Outputs">The entry's <c>outputs</c> object (node id → UI output), kept in the job's result.</param>
/// <param name="Files">Every file in the outputs, in node order.</param>
/// <param name="Message">For a failure or an interrupt: the <c>execution_error</c> / <c>execution_interrupted</c> data.</param>
internal sealed record PromptOutcome(PromptStatus Status, JsonElement? Outputs, IReadOnlyList<OutputFile> Files, JsonElement? Message)
{
    public static PromptOutcome Read(JsonElement entry)
    {
        var outputs = entry.TryGetProperty("outputs", out var o) && o.ValueKind == JsonValueKind.Object ? o : (JsonElement?)null;
        var files = outputs is { } all ? ListFiles(all) : [];
        JsonElement? last = null;
        var status = PromptStatus.Succeeded;
        if (entry.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            var succeeded = s.TryGetProperty("status_str", out var str) && str.ValueKind == JsonValueKind.String
                && string.Equals(str.GetString(), "success", StringComparison.Ordinal);
            if (s.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                // Each message is [type, data]; an error or interrupt is the last of them.
                foreach (var message in messages.EnumerateArray())
                {
                    if (message.ValueKind != JsonValueKind.Array || message.GetArrayLength() < 2 || message[0].ValueKind != JsonValueKind.String) continue;
                    switch (message[0].GetString())
                    {
                        case "execution_error":
                            status = PromptStatus.Failed;
                            last = message[1];
                            break;
                        case "execution_interrupted":
                            status = PromptStatus.Interrupted;
                            last = message[1];
                            break;
                    }
                }
            }
            if (!succeeded && status == PromptStatus.Succeeded) status = PromptStatus.Failed;
        }
        return new PromptOutcome(status, outputs, files, last);
    }

    /// <summary>
    /// Whether an <c>execution_error</c> is the GPU running out of memory: <c>torch.OutOfMemoryError</c> (or
    /// <c>torch.cuda.OutOfMemoryError</c>), or a <c>RuntimeError: CUDA error: out of memory</c> without the tips (§5.2).
    /// </summary>
    public static bool IsOutOfMemory(JsonElement error) =>
        Text(error, "exception_type").Contains("OutOfMemoryError", StringComparison.Ordinal)
        || Text(error, "exception_message").Contains("out of memory", StringComparison.OrdinalIgnoreCase);

    public static string Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()! : "";

    private static List<OutputFile> ListFiles(JsonElement outputs)
    {
        var files = new List<OutputFile>();
        foreach (var node in outputs.EnumerateObject())
        {
            if (node.Value.ValueKind != JsonValueKind.Object) continue;
            // "images", and also "gifs", "audio", "video" from other nodes: any list of {filename, subfolder, type}.
            foreach (var list in node.Value.EnumerateObject())
            {
                if (list.Value.ValueKind != JsonValueKind.Array) continue;
                foreach (var item in list.Value.EnumerateArray())
                {
                    var name = Text(item, "filename");
                    if (name.Length == 0) continue;
                    var type = Text(item, "type");
                    files.Add(new OutputFile(node.Name, name, Text(item, "subfolder"), type.Length == 0 ? "output" : type));
                }
            }
        }
        return files;
    }
}
