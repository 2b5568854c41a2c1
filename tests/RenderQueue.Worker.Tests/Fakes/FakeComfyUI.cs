using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace RenderQueue.Worker.Tests.Fakes;

/// <summary>
/// A ComfyUI that follows shared/reference/comfyui-and-a1111-api.md: the routes (also under <c>/api</c>), the
/// WebSocket events targeted by client id, and the quirks — events can arrive before the <c>POST /prompt</c> answer,
/// <c>execution_success</c> comes before the history is written, <c>/history/{unknown}</c> is 200 <c>{}</c>,
/// <c>/interrupt</c> is always 200, a socket re-registered under the same client id is popped by the old one's
/// cleanup. Faults are switched on per test; what it received is recorded.
/// </summary>
internal sealed partial class FakeComfyUI : IAsyncDisposable
{
    private WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<QueuedPrompt> _pending = [];
    private readonly Dictionary<string, JsonObject> _history = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _interrupts = new();
    private readonly ConcurrentQueue<string> _deletes = new();
    private readonly ConcurrentQueue<JsonObject> _prompts = new();
    private readonly SemaphoreSlim _work = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task _executor = Task.CompletedTask;
    private QueuedPrompt? _running;
    private double _number;
    private int _imageCounter;

    private FakeComfyUI(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    // ---- switches ----

    /// <summary>Checkpoints ComfyUI "has".</summary>
    public List<string> Checkpoints { get; } = ["v1-5-pruned-emaonly.safetensors"];

    /// <summary>Time per sampler step. Default 5 ms.</summary>
    public TimeSpan StepDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How many of the next prompts fail in KSampler with <c>torch.OutOfMemoryError</c>.</summary>
    public int OutOfMemoryFaults { get; set; }

    /// <summary>Fail the next prompt with a <c>RuntimeError: CUDA error: out of memory</c> (no TIPS) instead.</summary>
    public bool RuntimeOutOfMemory { get; set; }

    /// <summary>Restart (close sockets, forget queue and history) when the next prompt reaches this sampler step.</summary>
    public int? RestartAtStep { get; set; }

    /// <summary>Close every WebSocket (ComfyUI keeps running) when the next prompt reaches this sampler step.</summary>
    public int? DropSocketsAtStep { get; set; }

    /// <summary>Answer <c>/models/checkpoints</c> with 404, as builds before the route did.</summary>
    public bool WithoutModelsRoute { get; set; }

    // ---- recordings ----

    /// <summary>Prompt ids of every <c>POST /interrupt</c>; <c>*</c> for a global interrupt (no prompt id).</summary>
    public IReadOnlyCollection<string> Interrupts => _interrupts;

    /// <summary>Prompt ids of every <c>POST /queue {"delete"}</c>.</summary>
    public IReadOnlyCollection<string> QueueDeletes => _deletes;

    /// <summary>Every accepted or rejected <c>POST /prompt</c> body.</summary>
    public IReadOnlyCollection<JsonObject> Prompts => _prompts;

    /// <summary>Files uploaded with <c>/upload/image</c>, by name.</summary>
    public ConcurrentDictionary<string, byte[]> Inputs { get; } = new(StringComparer.Ordinal);

    /// <summary>How many times it restarted.</summary>
    public int Restarts { get; private set; }

    /// <summary>Prompts that ran to the end (success, error or interrupt).</summary>
    public int Executed { get; private set; }

    public static async Task<FakeComfyUI> StartAsync()
    {
        FakeComfyUI? fake = null;
        var (app, url) = await KestrelFake.StartAsync(app => MapAll(app, () => fake!));
        fake = new FakeComfyUI(app, url);
        fake._executor = Task.Run(() => fake.ExecuteLoopAsync(fake._stop.Token));
        return fake;
    }

    private static void MapAll(WebApplication app, Func<FakeComfyUI> fake)
    {
        // Every route is also registered under /api (reference §1).
        foreach (var prefix in new[] { "", "/api" }) Map(app.MapGroup(prefix), fake);
    }

    private static void Map(RouteGroupBuilder routes, Func<FakeComfyUI> fake)
    {
        routes.MapPost("/prompt", (HttpRequest request) => fake().PostPromptAsync(request.HttpContext));
        routes.MapGet("/prompt", () => Results.Json(new JsonObject { ["exec_info"] = new JsonObject { ["queue_remaining"] = fake().QueueRemaining } }));
        routes.MapGet("/queue", () => fake().GetQueue());
        routes.MapPost("/queue", (HttpRequest request) => fake().PostQueueAsync(request.HttpContext));
        routes.MapPost("/interrupt", (HttpRequest request) => fake().PostInterruptAsync(request.HttpContext));
        routes.MapGet("/history", () => fake().GetHistory(null));
        routes.MapGet("/history/{id}", (string id) => fake().GetHistory(id));
        routes.MapPost("/history", (HttpRequest request) => fake().PostHistoryAsync(request.HttpContext));
        routes.MapGet("/view", (HttpRequest request) => fake().View(request.HttpContext));
        routes.MapPost("/upload/image", (HttpRequest request) => fake().UploadAsync(request.HttpContext));
        routes.MapGet("/object_info", () => Results.Json(fake().ObjectInfo(null)));
        routes.MapGet("/object_info/{cls}", (string cls) => Results.Json(fake().ObjectInfo(cls)));
        routes.MapGet("/models/checkpoints", () => fake().WithoutModelsRoute ? Results.NotFound() : Results.Json(fake().Checkpoints));
        routes.MapGet("/system_stats", () => Results.Json(SystemStats()));
        routes.MapGet("/features", () => Results.Json(new JsonObject { ["supports_preview_metadata"] = true, ["max_upload_size"] = 104857600 }));
        routes.Map("/ws", (HttpContext http) => fake().AcceptSocketAsync(http));
    }

    private int QueueRemaining
    {
        get
        {
            lock (_gate) return _pending.Count + (_running is null ? 0 : 1);
        }
    }

    private IResult GetQueue()
    {
        lock (_gate)
        {
            return Results.Json(new JsonObject
            {
                ["queue_running"] = new JsonArray(_running is null ? [] : [_running.QueueItem()]),
                // A heap copy, not sorted (reference §1).
                ["queue_pending"] = new JsonArray([.. _pending.OrderByDescending(p => p.PromptId, StringComparer.Ordinal).Select(p => (JsonNode)p.QueueItem())]),
            });
        }
    }

    private async Task<IResult> PostQueueAsync(HttpContext http)
    {
        var body = await ReadJsonAsync(http);
        lock (_gate)
        {
            if (body?["clear"]?.GetValue<bool>() == true) _pending.Clear();
            if (body?["delete"] is JsonArray ids)
            {
                foreach (var id in ids.Select(i => i?.GetValue<string>()).OfType<string>())
                {
                    _deletes.Enqueue(id);
                    _pending.RemoveAll(p => p.PromptId == id); // only pending prompts; unknown ids are ignored
                }
            }
        }
        return Results.Ok();
    }

    private async Task<IResult> PostInterruptAsync(HttpContext http)
    {
        JsonObject? body = null;
        try
        {
            body = await ReadJsonAsync(http);
        }
        catch (JsonException)
        {
            // empty or invalid JSON is accepted and treated as global (reference §1)
        }
        var promptId = body?["prompt_id"]?.GetValue<string>();
        _interrupts.Enqueue(promptId ?? "*");
        lock (_gate)
        {
            if (_running is { } running && (promptId is null || promptId == running.PromptId)) running.Interrupted = true;
        }
        return Results.Ok();
    }

    private IResult GetHistory(string? id)
    {
        lock (_gate)
        {
            var answer = new JsonObject();
            foreach (var (key, entry) in _history)
            {
                if (id is null || key == id) answer[key] = entry.DeepClone();
            }
            return Results.Json(answer); // {} with 200 for an unknown id: there is no 404
        }
    }

    private async Task<IResult> PostHistoryAsync(HttpContext http)
    {
        var body = await ReadJsonAsync(http);
        lock (_gate)
        {
            if (body?["clear"]?.GetValue<bool>() == true) _history.Clear();
            if (body?["delete"] is JsonArray ids) foreach (var id in ids) _history.Remove(id!.GetValue<string>());
        }
        return Results.Ok();
    }

    private IResult View(HttpContext http)
    {
        var name = http.Request.Query["filename"].ToString();
        var type = http.Request.Query["type"].ToString() is { Length: > 0 } t ? t : "output";
        var subfolder = http.Request.Query["subfolder"].ToString();
        if (name.Length == 0 || name.StartsWith('/') || name.Contains("..", StringComparison.Ordinal)) return Results.StatusCode(400);
        if (subfolder.Contains("..", StringComparison.Ordinal) || subfolder.StartsWith('/')) return Results.StatusCode(403);
        var key = FileKey(type, subfolder, name);
        if (type == "input" && Inputs.TryGetValue(name, out var input)) return Results.File(input, "image/png", name);
        return _files.TryGetValue(key, out var bytes) ? Results.File(bytes, "image/png", name) : Results.NotFound();
    }

    private async Task<IResult> UploadAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType) return Results.StatusCode(400);
        var form = await http.Request.ReadFormAsync();
        var file = form.Files["image"];
        if (file is null || string.IsNullOrEmpty(file.FileName)) return Results.StatusCode(400);
        using var memory = new MemoryStream();
        await file.CopyToAsync(memory);
        var bytes = memory.ToArray();
        var overwrite = form["overwrite"].ToString() is "true" or "1";
        var name = file.FileName;
        if (!overwrite)
        {
            // Same hash reuses the file; a different file with the same name is renamed "name (1).png".
            for (var n = 1; Inputs.TryGetValue(name, out var existing) && !existing.AsSpan().SequenceEqual(bytes); n++)
                name = $"{Path.GetFileNameWithoutExtension(file.FileName)} ({n}){Path.GetExtension(file.FileName)}";
        }
        Inputs[name] = bytes;
        return Results.Json(new JsonObject { ["name"] = name, ["subfolder"] = "", ["type"] = "input" });
    }

    private JsonObject ObjectInfo(string? cls)
    {
        var all = new JsonObject
        {
            ["CheckpointLoaderSimple"] = new JsonObject
            {
                ["input"] = new JsonObject
                {
                    ["required"] = new JsonObject
                    {
                        ["ckpt_name"] = new JsonArray(new JsonArray([.. Checkpoints.Select(c => (JsonNode)c)]), new JsonObject { ["tooltip"] = "The name of the checkpoint (model) to load." }),
                    },
                },
                ["input_order"] = new JsonObject { ["required"] = new JsonArray("ckpt_name") },
                ["output"] = new JsonArray("MODEL", "CLIP", "VAE"),
                ["output_is_list"] = new JsonArray(false, false, false),
                ["output_name"] = new JsonArray("MODEL", "CLIP", "VAE"),
                ["name"] = "CheckpointLoaderSimple",
                ["display_name"] = "Load Checkpoint",
                ["description"] = "Loads a diffusion model checkpoint.",
                ["python_module"] = "nodes",
                ["category"] = "loaders",
                ["output_node"] = false,
            },
        };
        if (cls is null) return all;
        return all[cls] is { } one ? new JsonObject { [cls] = one.DeepClone() } : [];
    }

    private static JsonObject SystemStats() => new()
    {
        ["system"] = new JsonObject { ["os"] = "posix", ["ram_total"] = 67108864000L, ["ram_free"] = 50000000000L, ["comfyui_version"] = "0.3.64", ["python_version"] = "3.12.3", ["pytorch_version"] = "2.8.0+cu128", ["embedded_python"] = false, ["argv"] = new JsonArray("main.py") },
        ["devices"] = new JsonArray(new JsonObject { ["name"] = "cpu", ["type"] = "cpu", ["index"] = null, ["vram_total"] = 0, ["vram_free"] = 0, ["torch_vram_total"] = 0, ["torch_vram_free"] = 0 }),
    };

    private static async Task<JsonObject?> ReadJsonAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var text = await reader.ReadToEndAsync();
        return text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
    }

    private static string FileKey(string type, string subfolder, string name) => $"{type}|{subfolder}|{name}";

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _work.Release();
        await _executor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        CloseAllSockets();
        if (!IsDown)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _stop.Dispose();
    }
}
