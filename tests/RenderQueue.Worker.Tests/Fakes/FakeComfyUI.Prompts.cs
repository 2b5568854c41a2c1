using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace RenderQueue.Worker.Tests.Fakes;

internal sealed partial class FakeComfyUI
{
    private static readonly HashSet<string> KnownClasses =
        ["KSampler", "CheckpointLoaderSimple", "EmptyLatentImage", "CLIPTextEncode", "VAEDecode", "SaveImage", "PreviewImage", "LoadImage"];

    private static readonly HashSet<string> OutputClasses = ["SaveImage", "PreviewImage"];

    /// <summary><c>POST /prompt</c>: validate, queue, and (the quirk) let the first events out before answering.</summary>
    private async Task<IResult> PostPromptAsync(HttpContext http)
    {
        var body = await ReadJsonAsync(http) ?? [];
        _prompts.Enqueue((JsonObject)body.DeepClone());
        if (body["prompt"] is not JsonObject prompt)
            return Rejected("no_prompt", "No prompt provided", "", []);

        foreach (var (id, node) in prompt)
        {
            var type = node?["class_type"]?.GetValue<string>();
            if (type is null)
                return Rejected("invalid_prompt", "Cannot execute because a node is missing the class_type property.", $"Node ID '#{id}'", []);
            if (!KnownClasses.Contains(type))
                return Rejected("invalid_prompt", $"Cannot execute because node {type} does not exist.", $"Node ID '#{id}'", []);
        }
        var outputs = prompt.Where(n => OutputClasses.Contains(n.Value!["class_type"]!.GetValue<string>())).Select(n => n.Key).ToList();
        if (outputs.Count == 0) return Rejected("prompt_no_outputs", "Prompt has no outputs", "", []);

        var nodeErrors = Validate(prompt, outputs);
        if (nodeErrors.Count > 0)
        {
            var first = nodeErrors.First().Value!["errors"]![0]!;
            return Rejected("prompt_outputs_failed_validation", "Prompt outputs failed validation",
                $"{first["message"]}: {first["details"]}", nodeErrors);
        }

        var extra = body["extra_data"] as JsonObject ?? [];
        if (body["client_id"]?.GetValue<string>() is { } clientId) extra["client_id"] = clientId;
        QueuedPrompt queued;
        lock (_gate)
        {
            var number = body["number"]?.GetValue<double>() ?? _number++;
            if (body["front"]?.GetValue<bool>() == true) number = -number;
            queued = new QueuedPrompt(body["prompt_id"]?.ToString() ?? Guid.NewGuid().ToString(), number, (JsonObject)prompt.DeepClone(), extra, outputs);
            _pending.Add(queued);
        }
        BroadcastStatus();
        _work.Release();

        // A fast ComfyUI emits the first events before the HTTP answer is written (reference §2).
        await queued.Started.Task.WaitAsync(TimeSpan.FromMilliseconds(500)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return Results.Json(new JsonObject { ["prompt_id"] = queued.PromptId, ["number"] = queued.Number, ["node_errors"] = new JsonObject() });
    }

    private JsonObject Validate(JsonObject prompt, List<string> outputs)
    {
        var errors = new JsonObject();
        void Add(string id, string type, string kind, string message, string details, JsonObject extra)
        {
            errors[id] = new JsonObject
            {
                ["errors"] = new JsonArray(new JsonObject { ["type"] = kind, ["message"] = message, ["details"] = details, ["extra_info"] = extra }),
                ["dependent_outputs"] = new JsonArray([.. outputs.Select(o => (JsonNode)o)]),
                ["class_type"] = type,
            };
        }

        foreach (var (id, node) in prompt)
        {
            var type = node!["class_type"]!.GetValue<string>();
            var inputs = node["inputs"] as JsonObject ?? [];
            switch (type)
            {
                case "CheckpointLoaderSimple":
                    var ckpt = inputs["ckpt_name"]?.ToString() ?? "";
                    if (!Checkpoints.Contains(ckpt))
                    {
                        var list = string.Join(", ", Checkpoints.Select(c => $"'{c}'"));
                        Add(id, type, "value_not_in_list", "Value not in list", $"ckpt_name: '{ckpt}' not in [{list}]", new JsonObject
                        {
                            ["input_name"] = "ckpt_name",
                            ["input_config"] = new JsonArray(new JsonArray([.. Checkpoints.Select(c => (JsonNode)c)]), new JsonObject { ["tooltip"] = "..." }),
                            ["received_value"] = ckpt,
                        });
                    }
                    break;
                case "KSampler":
                    if (inputs["steps"] is JsonValue steps && steps.TryGetValue<int>(out var n) && n < 1)
                        Add(id, type, "value_smaller_than_min", "Value 0 smaller than min of 1", $"steps: {n}", new JsonObject { ["input_name"] = "steps", ["received_value"] = n });
                    break;
                case "LoadImage":
                    var image = inputs["image"]?.ToString() ?? "";
                    if (!Inputs.ContainsKey(image))
                        Add(id, type, "custom_validation_failed", "Custom validation failed for node", $"image - Invalid image file: {image}", new JsonObject { ["input_name"] = "image" });
                    break;
            }
        }
        return errors;
    }

    private static IResult Rejected(string type, string message, string details, JsonObject nodeErrors) => Results.Json(new JsonObject
    {
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message, ["details"] = details, ["extra_info"] = new JsonObject() },
        ["node_errors"] = nodeErrors,
    }, statusCode: 400);

    private sealed class QueuedPrompt(string promptId, double number, JsonObject prompt, JsonObject extraData, List<string> outputs)
    {
        public string PromptId { get; } = promptId;
        public double Number { get; } = number;
        public JsonObject Prompt { get; } = prompt;
        public JsonObject ExtraData { get; } = extraData;
        public List<string> Outputs { get; } = outputs;
        public string? ClientId => ExtraData["client_id"]?.GetValue<string>();
        public volatile bool Interrupted;
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>[number, prompt_id, prompt, extra_data, outputs_to_execute]</summary>
        public JsonArray QueueItem() => new(Number, PromptId, Prompt.DeepClone(), ExtraData.DeepClone(), new JsonArray([.. Outputs.Select(o => (JsonNode)o)]));
    }
}
