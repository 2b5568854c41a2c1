using System.Text.Json;
using System.Text.Json.Nodes;
using RenderQueue.Core.Api;
using RenderQueue.Core.Json;

namespace RenderQueue.Cli.Payloads;

/// <summary>
/// A job read from a file (or standard input): a ComfyUI API-format workflow becomes a <c>comfyui</c> job's payload;
/// a submit body (an object with <c>payload</c>) is taken as it is; any other JSON is the payload of <c>--type</c>.
/// </summary>
internal static class JobFile
{
    public const string Stdin = "-";
    public const string ComfyUIType = "comfyui";

    /// <summary>Reads <paramref name="file"/> (<c>-</c> for standard input) as JSON.</summary>
    /// <exception cref="UsageException">It cannot be read or is not JSON.</exception>
    public static async Task<JsonNode> ReadAsync(CliHost host, string file, CancellationToken ct)
    {
        string text;
        try
        {
            text = file == Stdin ? await host.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(host.FullPath(file), ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read {file}: {e.Message}");
        }
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 })
                ?? throw new UsageException($"{Name(file)} holds JSON null, not a job.");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{Name(file)} is not valid JSON: {e.Message}");
        }
    }

    /// <summary>The submit request the file describes, with <paramref name="type"/> (from <c>--type</c>) applied.</summary>
    /// <exception cref="UsageException">The type cannot be told, or the file is a UI-format ComfyUI workflow.</exception>
    public static SubmitJobRequest ToRequest(JsonNode root, string file, string? type)
    {
        if (root is JsonObject body && body.ContainsKey("payload"))
        {
            SubmitJobRequest request;
            try
            {
                request = body.Deserialize<SubmitJobRequest>(RenderQueueJson.Options)
                    ?? throw new UsageException($"{Name(file)} holds no job.");
            }
            catch (JsonException e)
            {
                throw new UsageException($"{Name(file)} looks like a submit body (it has 'payload') but is not one: {e.Message}");
            }
            if (request.Payload is not { ValueKind: not System.Text.Json.JsonValueKind.Null })
                throw new UsageException($"{Name(file)} is a submit body with no payload.");
            return type is null ? request : request with { Type = type };
        }
        if (ComfyWorkflow.IsUiFormat(root))
        {
            throw new UsageException(
                $"{Name(file)} is a ComfyUI workflow in the UI format; RenderQueue runs the API format: in ComfyUI use Workflow → Export (API) and submit that file.");
        }
        if (type is null && !ComfyWorkflow.IsApiFormat(root))
        {
            throw new UsageException(
                $"Cannot tell the job type of {Name(file)}: it is not a ComfyUI API-format workflow nor a submit body with 'type' and 'payload'; pass --type (e.g. --type a1111).");
        }
        return new SubmitJobRequest { Type = type ?? ComfyUIType, Payload = JsonSerializer.SerializeToElement(root) };
    }

    public static string Name(string file) => file == Stdin ? "standard input" : file;
}
