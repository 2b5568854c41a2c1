using System.Globalization;
using System.Text.Json.Nodes;
using RenderQueue.Worker.Runtime.Imaging;

namespace RenderQueue.Worker.Tests.Fakes;

internal sealed partial class FakeComfyUI
{
    private CancellationTokenSource _generation = new();

    /// <summary>One prompt at a time, lowest number first, like ComfyUI's prompt worker thread.</summary>
    private async Task ExecuteLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _work.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            QueuedPrompt? next;
            CancellationToken run;
            lock (_gate)
            {
                next = _pending.MinBy(p => p.Number);
                if (next is null) continue;
                _pending.Remove(next);
                _running = next;
                run = _generation.Token;
            }
            try
            {
                await ExecuteAsync(next, run);
            }
            catch (OperationCanceledException)
            {
                // restarted or disposed mid-prompt
            }
            finally
            {
                lock (_gate)
                {
                    if (_running == next) _running = null;
                }
            }
        }
    }

    private async Task ExecuteAsync(QueuedPrompt prompt, CancellationToken run)
    {
        var messages = new JsonArray();
        void Event(string type, JsonObject data, bool recorded = false)
        {
            if (recorded) messages.Add(new JsonArray(type, data.DeepClone()));
            Send(prompt.ClientId, type, data);
        }

        BroadcastStatus(); // picked up
        Event("execution_start", new JsonObject { ["prompt_id"] = prompt.PromptId, ["timestamp"] = Now() }, recorded: true);
        prompt.Started.TrySetResult();
        Event("execution_cached", new JsonObject { ["nodes"] = new JsonArray(), ["prompt_id"] = prompt.PromptId, ["timestamp"] = Now() }, recorded: true);

        var executed = new List<string>();
        var outputs = new JsonObject();
        foreach (var id in RunOrder(prompt.Prompt))
        {
            var node = prompt.Prompt[id]!;
            var type = node["class_type"]!.GetValue<string>();
            Event("progress_state", ProgressState(prompt.PromptId, id, 0, 1, "running"));
            Event("executing", new JsonObject { ["node"] = id, ["display_node"] = id, ["prompt_id"] = prompt.PromptId });

            if (type == "KSampler")
            {
                if (OutOfMemoryFaults > 0 || RuntimeOutOfMemory)
                {
                    var runtime = RuntimeOutOfMemory;
                    if (runtime) RuntimeOutOfMemory = false;
                    else OutOfMemoryFaults--;
                    Event("execution_error", ExecutionError(prompt, id, type, executed, runtime), recorded: true);
                    Finish(prompt, outputs, messages, success: false);
                    return;
                }
                var steps = node["inputs"]?["steps"]?.GetValue<int>() ?? 20;
                for (var step = 1; step <= steps; step++)
                {
                    await Task.Delay(StepDelay, run);
                    if (prompt.Interrupted)
                    {
                        Send(prompt.ClientId, "execution_interrupted", Interrupted(prompt, id, type, executed), broadcastWithoutClient: true);
                        messages.Add(new JsonArray("execution_interrupted", Interrupted(prompt, id, type, executed)));
                        Finish(prompt, outputs, messages, success: false);
                        return;
                    }
                    if (RestartAtStep == step)
                    {
                        RestartAtStep = null;
                        Restart();
                        return;
                    }
                    if (DropSocketsAtStep == step)
                    {
                        DropSocketsAtStep = null;
                        CloseAllSockets();
                    }
                    Event("progress_state", ProgressState(prompt.PromptId, id, step, steps, "running"));
                    Event("progress", new JsonObject { ["value"] = step, ["max"] = steps, ["prompt_id"] = prompt.PromptId, ["node"] = id });
                }
            }
            else if (type is "SaveImage" or "PreviewImage")
            {
                var output = new JsonObject { ["images"] = new JsonArray([.. SaveImages(prompt.Prompt, node, type)]) };
                outputs[id] = output;
                Event("executed", new JsonObject { ["node"] = id, ["display_node"] = id, ["output"] = output.DeepClone(), ["prompt_id"] = prompt.PromptId });
            }
            Event("progress_state", ProgressState(prompt.PromptId, id, 1, 1, "finished"));
            executed.Add(id);
        }

        Event("execution_success", new JsonObject { ["prompt_id"] = prompt.PromptId, ["timestamp"] = Now() }, recorded: true);
        // execution_success goes out before task_done writes the history (reference §2): make that window real.
        await Task.Delay(30, run);
        Finish(prompt, outputs, messages, success: true);
    }

    /// <summary>task_done: write history, then status, then the "done" signal <c>executing {node: null}</c>.</summary>
    private void Finish(QueuedPrompt prompt, JsonObject outputs, JsonArray messages, bool success)
    {
        lock (_gate)
        {
            _history[prompt.PromptId] = new JsonObject
            {
                ["prompt"] = prompt.QueueItem(),
                ["outputs"] = outputs.DeepClone(),
                ["status"] = new JsonObject { ["status_str"] = success ? "success" : "error", ["completed"] = success, ["messages"] = messages.DeepClone() },
                ["meta"] = new JsonObject(),
            };
            if (_running == prompt) _running = null;
            Executed++;
        }
        BroadcastStatus();
        Send(prompt.ClientId, "executing", new JsonObject { ["node"] = null, ["prompt_id"] = prompt.PromptId });
    }

    /// <summary>ComfyUI restarts: sockets close, the in-memory queue and history are gone.</summary>
    public void Restart()
    {
        lock (_gate)
        {
            _pending.Clear();
            _history.Clear();
            _running = null;
            _generation.Cancel();
            _generation = new CancellationTokenSource();
            foreach (var key in _files.Keys.Where(k => k.StartsWith("temp|", StringComparison.Ordinal))) _files.TryRemove(key, out _);
            Restarts++;
        }
        CloseAllSockets();
    }

    private IEnumerable<JsonNode> SaveImages(JsonObject prompt, JsonNode node, string type)
    {
        var latent = prompt.Select(n => n.Value).FirstOrDefault(n => n?["class_type"]?.GetValue<string>() == "EmptyLatentImage");
        var width = Math.Clamp((latent?["inputs"]?["width"]?.GetValue<int>() ?? 512) / 8, 1, 256);
        var height = Math.Clamp((latent?["inputs"]?["height"]?.GetValue<int>() ?? 512) / 8, 1, 256);
        var batch = Math.Clamp(latent?["inputs"]?["batch_size"]?.GetValue<int>() ?? 1, 1, 16);
        var prefix = node["inputs"]?["filename_prefix"]?.GetValue<string>() ?? "ComfyUI";
        var subfolder = prefix.Contains('/', StringComparison.Ordinal) ? prefix[..prefix.LastIndexOf('/')] : "";
        var stem = prefix[(prefix.LastIndexOf('/') + 1)..];
        for (var i = 0; i < batch; i++)
        {
            var counter = Interlocked.Increment(ref _imageCounter);
            var (name, folderType) = type == "SaveImage"
                ? (string.Create(CultureInfo.InvariantCulture, $"{stem}_{counter:00000}_.png"), "output")
                : (string.Create(CultureInfo.InvariantCulture, $"ComfyUI_temp_abcde_{counter:00000}_.png"), "temp");
            _files[FileKey(folderType, type == "SaveImage" ? subfolder : "", name)] = PngEncoder.Gradient(width, height, counter);
            yield return new JsonObject { ["filename"] = name, ["subfolder"] = type == "SaveImage" ? subfolder : "", ["type"] = folderType };
        }
    }

    /// <summary>Nodes in dependency order (links are <c>["id", index]</c>), e.g. 4, 6, 7, 5, 3, 8, 9 for the default graph.</summary>
    private static List<string> RunOrder(JsonObject prompt)
    {
        var order = new List<string>();
        var seen = new HashSet<string>();
        void Visit(string id)
        {
            if (!seen.Add(id) || prompt[id] is not JsonObject node) return;
            if (node["inputs"] is JsonObject inputs)
            {
                foreach (var (_, value) in inputs.OrderBy(i => i.Key, StringComparer.Ordinal))
                {
                    if (value is JsonArray { Count: 2 } link && link[0] is JsonValue source && source.TryGetValue<string>(out var from)) Visit(from);
                }
            }
            order.Add(id);
        }
        foreach (var id in prompt.Select(n => n.Key).OrderBy(k => k, StringComparer.Ordinal)) Visit(id);
        return order;
    }

    private static JsonObject ProgressState(string promptId, string node, int value, int max, string state) => new()
    {
        ["prompt_id"] = promptId,
        ["nodes"] = new JsonObject
        {
            [node] = new JsonObject
            {
                ["value"] = value, ["max"] = max, ["state"] = state, ["node_id"] = node, ["prompt_id"] = promptId,
                ["display_node_id"] = node, ["parent_node_id"] = null, ["real_node_id"] = node,
            },
        },
    };

    private static JsonObject ExecutionError(QueuedPrompt prompt, string node, string type, List<string> executed, bool runtime) => new()
    {
        ["prompt_id"] = prompt.PromptId,
        ["node_id"] = node,
        ["node_type"] = type,
        ["executed"] = new JsonArray([.. executed.Select(e => (JsonNode)e)]),
        ["exception_message"] = runtime
            ? "CUDA error: out of memory\nCUDA kernel errors might be asynchronously reported at some other API call."
            : "Allocation on device \nThis error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.",
        ["exception_type"] = runtime ? "RuntimeError" : "torch.OutOfMemoryError",
        ["traceback"] = new JsonArray("  File \"/app/execution.py\", line 496, in execute\n ..."),
        ["current_inputs"] = new JsonObject { ["steps"] = new JsonArray("20") },
        ["current_outputs"] = new JsonArray([.. executed.Select(e => (JsonNode)e)]),
        ["timestamp"] = Now(),
    };

    private static JsonObject Interrupted(QueuedPrompt prompt, string node, string type, List<string> executed) => new()
    {
        ["prompt_id"] = prompt.PromptId,
        ["node_id"] = node,
        ["node_type"] = type,
        ["executed"] = new JsonArray([.. executed.Select(e => (JsonNode)e)]),
        ["timestamp"] = Now(),
    };
}
