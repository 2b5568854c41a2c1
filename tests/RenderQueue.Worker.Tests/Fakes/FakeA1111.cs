using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RenderQueue.Worker.Runtime.Imaging;

namespace RenderQueue.Worker.Tests.Fakes;

/// <summary>
/// An AUTOMATIC1111 API (<c>--api</c>) that follows shared/reference/comfyui-and-a1111-api.md §4: txt2img/img2img
/// serialised by one global FIFO lock while <c>/progress</c> and <c>/interrupt</c> stay unlocked; <c>info</c> a JSON
/// string; the real seeds only in <c>info.all_seeds</c>; an interrupted request still answers 200; the middleware's
/// error shape. Faults: out of memory, slow steps, a crash mid-request.
/// </summary>
internal sealed class FakeA1111 : IAsyncDisposable
{
    private static readonly HashSet<string> Samplers = ["Euler a", "Euler", "DPM++ 2M", "DDIM"];
    private readonly Microsoft.AspNetCore.Builder.WebApplication _app;
    private readonly FifoLock _queueLock = new();
    private readonly Lock _gate = new();
    private readonly ConcurrentQueue<JsonObject> _requests = new();
    private int _interrupts;
    private int _generating;
    private int _maxGenerating;
    // shared.state
    private int _jobCount, _jobNo, _samplingStep, _samplingSteps;
    private string _job = "";
    private bool _interrupted;

    private FakeA1111(Microsoft.AspNetCore.Builder.WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Time per sampling step. Default 5 ms.</summary>
    public TimeSpan StepDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How many of the next generations fail with CUDA out of memory (500 OutOfMemoryError).</summary>
    public int OutOfMemoryFaults { get; set; }

    /// <summary>Drop the connection of the next generation at this step, as a crash would.</summary>
    public int? CrashAtStep { get; set; }

    /// <summary>Every generation request body received.</summary>
    public IReadOnlyCollection<JsonObject> Requests => _requests;

    /// <summary>How many <c>POST /sdapi/v1/interrupt</c> calls arrived.</summary>
    public int Interrupts => Volatile.Read(ref _interrupts);

    /// <summary>The most generations ever inside the lock at once (the lock makes it 1).</summary>
    public int MaxConcurrentGenerations => Volatile.Read(ref _maxGenerating);

    /// <summary><c>sd_model_checkpoint</c> in <c>GET /sdapi/v1/options</c>: the checkpoint loaded now.</summary>
    public string LoadedCheckpoint { get; set; } = "v1-5-pruned-emaonly.safetensors [6ce0161689]";

    /// <summary>Calls to <c>GET /sdapi/v1/options</c> (a large answer on a real A1111).</summary>
    public int OptionsReads => Volatile.Read(ref _optionsReads);

    private int _optionsReads;

    /// <summary>Seeds the next "-1" seeds resolve to, in order.</summary>
    public int NextSeed { get; set; } = 1234567;

    public static async Task<FakeA1111> StartAsync()
    {
        FakeA1111? fake = null;
        var (app, url) = await KestrelFake.StartAsync(app =>
        {
            app.MapPost("/sdapi/v1/txt2img", (HttpRequest request) => fake!.GenerateAsync(request.HttpContext, "txt2img"));
            app.MapPost("/sdapi/v1/img2img", (HttpRequest request) => fake!.GenerateAsync(request.HttpContext, "img2img"));
            app.MapGet("/sdapi/v1/progress", () => Results.Json(fake!.Progress()));
            app.MapPost("/sdapi/v1/interrupt", () => fake!.Interrupt());
            // A flat dict of every setting (reference §4); a few keys stand for the hundreds.
            app.MapGet("/sdapi/v1/options", () =>
            {
                Interlocked.Increment(ref fake!._optionsReads);
                return Results.Json(new JsonObject { ["sd_model_checkpoint"] = fake.LoadedCheckpoint, ["samples_format"] = "png", ["CLIP_stop_at_last_layers"] = 1 });
            });
            app.MapGet("/sdapi/v1/sd-models", () => Results.Json(new JsonArray(new JsonObject
            {
                ["title"] = "v1-5-pruned-emaonly.safetensors [6ce0161689]",
                ["model_name"] = "v1-5-pruned-emaonly",
                ["hash"] = "6ce0161689",
                ["sha256"] = "6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa",
                ["filename"] = "/models/Stable-diffusion/v1-5-pruned-emaonly.safetensors",
                ["config"] = null,
            })));
        });
        fake = new FakeA1111(app, url);
        return fake;
    }

    private IResult Interrupt()
    {
        Interlocked.Increment(ref _interrupts);
        lock (_gate) _interrupted = true; // the current job only; state.begin() clears it for the next
        return Results.Json(new JsonObject());
    }

    private JsonObject Progress()
    {
        lock (_gate)
        {
            var progress = _jobCount == 0 ? 0 : Math.Min(1, 0.01 + (double)_jobNo / _jobCount + (_samplingSteps == 0 ? 0 : (double)_samplingStep / _samplingSteps / _jobCount));
            return new JsonObject
            {
                ["progress"] = progress,
                ["eta_relative"] = _jobCount == 0 ? 0 : 1.5,
                ["state"] = new JsonObject
                {
                    ["skipped"] = false, ["interrupted"] = _interrupted, ["stopping_generation"] = false, ["job"] = _job,
                    ["job_count"] = _jobCount, ["job_timestamp"] = "20241012120000", ["job_no"] = _jobNo,
                    ["sampling_step"] = _samplingStep, ["sampling_steps"] = _samplingSteps,
                },
                ["current_image"] = null,
                ["textinfo"] = null,
            };
        }
    }

    private async Task<IResult> GenerateAsync(HttpContext http, string mode)
    {
        JsonObject body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject ?? [];
        }
        catch (JsonException e)
        {
            return Results.Json(new JsonObject { ["detail"] = new JsonArray(new JsonObject { ["loc"] = new JsonArray("body", 0), ["msg"] = e.Message, ["type"] = "value_error.jsondecode" }) }, statusCode: 422);
        }
        _requests.Enqueue((JsonObject)body.DeepClone());

        // FastAPI validates the body first (422), then the endpoint checks the sampler and the init images.
        if (body["steps"] is { } stepsNode && (stepsNode.GetValueKind() != JsonValueKind.Number || stepsNode.GetValue<double>() % 1 != 0))
            return Results.Json(new JsonObject { ["detail"] = new JsonArray(new JsonObject { ["loc"] = new JsonArray("body", "steps"), ["msg"] = "value is not a valid integer", ["type"] = "type_error.integer" }) }, statusCode: 422);
        var sampler = body["sampler_name"]?.GetValue<string>() ?? body["sampler_index"]?.GetValue<string>() ?? "Euler";
        if (!Samplers.Contains(sampler)) return Error(400, "HTTPException", "Sampler not found", "");
        if (mode == "img2img" && body["init_images"] is not JsonArray { Count: > 0 }) return Error(404, "HTTPException", "Init image not found", "");

        var steps = body["steps"]?.GetValue<int>() ?? 50;
        var iterations = Math.Max(1, body["n_iter"]?.GetValue<int>() ?? 1);
        var batch = Math.Max(1, body["batch_size"]?.GetValue<int>() ?? 1);
        var width = Math.Clamp((body["width"]?.GetValue<int>() ?? 512) / 8, 1, 256);
        var height = Math.Clamp((body["height"]?.GetValue<int>() ?? 512) / 8, 1, 256);

        using (await _queueLock.EnterAsync(http.RequestAborted))
        {
            var inside = Interlocked.Increment(ref _generating);
            InterlockedMax(ref _maxGenerating, inside);
            try
            {
                lock (_gate)
                {
                    // state.begin()
                    _job = "scripts_" + mode;
                    _jobCount = iterations;
                    _jobNo = 0;
                    _samplingStep = 0;
                    _samplingSteps = steps;
                    _interrupted = false;
                }
                if (OutOfMemoryFaults > 0)
                {
                    OutOfMemoryFaults--;
                    return Error(500, "OutOfMemoryError", "", "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 7.79 GiB total capacity)");
                }

                var seed = body["seed"]?.GetValue<long>() is { } s and not -1 ? s : NextSeed;
                var images = new JsonArray();
                var seeds = new JsonArray();
                for (var iteration = 0; iteration < iterations; iteration++)
                {
                    lock (_gate) _jobNo = iteration;
                    for (var step = 1; step <= steps; step++)
                    {
                        lock (_gate)
                        {
                            if (_interrupted) break;
                        }
                        await Task.Delay(StepDelay, http.RequestAborted);
                        if (CrashAtStep == step)
                        {
                            CrashAtStep = null;
                            http.Abort();
                            return Results.Empty;
                        }
                        lock (_gate) _samplingStep = step;
                    }
                    bool stop;
                    lock (_gate) stop = _interrupted;
                    // An interrupted batch still returns what it made (partial images, 200).
                    for (var b = 0; b < batch; b++)
                    {
                        var imageSeed = seed + iteration * batch + b;
                        seeds.Add(imageSeed);
                        images.Add(Convert.ToBase64String(PngEncoder.Gradient(width, height, (int)imageSeed)));
                    }
                    if (stop) break;
                }

                var info = new JsonObject
                {
                    ["prompt"] = body["prompt"]?.DeepClone() ?? "",
                    ["all_prompts"] = new JsonArray(body["prompt"]?.DeepClone() ?? ""),
                    ["negative_prompt"] = body["negative_prompt"]?.DeepClone() ?? "",
                    ["seed"] = seed,
                    ["all_seeds"] = seeds,
                    ["subseed"] = 89,
                    ["all_subseeds"] = new JsonArray(89),
                    ["width"] = width * 8,
                    ["height"] = height * 8,
                    ["sampler_name"] = sampler,
                    ["cfg_scale"] = body["cfg_scale"]?.GetValue<double>() ?? 7.0,
                    ["steps"] = steps,
                    ["batch_size"] = batch,
                    ["sd_model_name"] = "v1-5-pruned-emaonly",
                    ["sd_model_hash"] = "6ce0161689",
                    ["index_of_first_image"] = 0,
                    ["infotexts"] = new JsonArray(string.Create(CultureInfo.InvariantCulture, $"{body["prompt"]}\nSteps: {steps}, Sampler: {sampler}, Seed: {seed}")),
                    ["version"] = "v1.10.1",
                };
                var parameters = (JsonObject)body.DeepClone();
                parameters["seed"] ??= -1;
                parameters["steps"] = steps;
                NextSeed = (int)(seed + 1000);
                return Results.Json(new JsonObject
                {
                    ["images"] = images,
                    ["parameters"] = parameters,
                    ["info"] = info.ToJsonString(), // a JSON string, to be parsed a second time
                });
            }
            finally
            {
                lock (_gate)
                {
                    _jobCount = _jobNo = _samplingStep = _samplingSteps = 0;
                    _job = "";
                }
                Interlocked.Decrement(ref _generating);
            }
        }
    }

    /// <summary>The API middleware's error shape: <c>{"error", "detail", "body", "errors"}</c>.</summary>
    private static IResult Error(int status, string error, string detail, string errors) =>
        Results.Json(new JsonObject { ["error"] = error, ["detail"] = detail, ["body"] = "", ["errors"] = errors }, statusCode: status);

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
