using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime;
using RenderQueue.Worker.Runtime.Simulated;
using RenderQueue.Worker.A1111;
using RenderQueue.Worker.ComfyUI;
using RenderQueue.Worker.Command;

namespace RenderQueue.Worker.Configuration;

/// <summary>
/// Checks the worker's whole configuration when it starts, so a mistake stops it with a message naming the key:
/// unknown keys under <c>Worker</c>, types without a backend, bad URLs, command templates that do not parse.
/// </summary>
internal sealed class WorkerSetupValidator(
    IConfiguration configuration, IOptions<ComfyUIOptions> comfyUI, IOptions<A1111Options> a1111, IOptions<CommandOptions> commands,
    IOptions<TracingOptions> tracing)
    : IValidateOptions<AgentOptions>
{
    public const string ComfyUISection = "Worker:ComfyUI";
    public const string A1111Section = "Worker:A1111";
    public const string CommandSection = "Worker:Command";
    public const string SimulatedSection = "Worker:Simulated";
    public const string GpusSection = "Worker:Gpus";
    public const string TracingSection = "Worker:Tracing";

    private static readonly HashSet<string> Subsections = new(StringComparer.OrdinalIgnoreCase) { "ComfyUI", "A1111", "Command", "Simulated", "Gpus", "Tracing" };

    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var problems = new List<string>();
        var known = typeof(AgentOptions).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var child in configuration.GetSection(AgentOptions.Section).GetChildren())
        {
            if (!known.Contains(child.Key) && !Subsections.Contains(child.Key))
                problems.Add($"Worker:{child.Key} is not a setting (known: {string.Join(", ", known.Concat(Subsections).Order(StringComparer.Ordinal))}).");
        }

        problems.AddRange(Urls("Worker:ComfyUI:Urls", comfyUI.Value.Urls));
        problems.AddRange(Urls("Worker:A1111:Urls", a1111.Value.Urls));
        problems.AddRange(Gpus("Worker:ComfyUI", comfyUI.Value.Urls, comfyUI.Value.Gpus));
        problems.AddRange(Gpus("Worker:A1111", a1111.Value.Urls, a1111.Value.Gpus));
        if (tracing.Value.OtlpEndpoint is { } otlp && !IsHttp(otlp)) problems.Add($"{TracingSection}:OtlpEndpoint must be an absolute http(s) URL; it is '{otlp}'.");
        foreach (var (commandName, definition) in commands.Value.Commands)
        {
            if (!Core.Api.SubmitValidation.IsName(commandName)) problems.Add($"Worker:Command:Commands:{commandName}: a command name is 1–64 letters, digits or _ . : = -.");
            try
            {
                CommandTemplate.Parse(definition.Template);
            }
            catch (FormatException e)
            {
                problems.Add($"Worker:Command:Commands:{commandName}:Template '{definition.Template}': {e.Message}");
            }
            if (definition.ProgressPattern is { Length: > 0 } pattern)
            {
                try
                {
                    _ = new System.Text.RegularExpressions.Regex(pattern);
                }
                catch (ArgumentException e)
                {
                    problems.Add($"Worker:Command:Commands:{commandName}:ProgressPattern is not a regular expression: {e.Message}");
                }
            }
        }
        if (commands.Value.TailBytes is < 0 or > 1024 * 1024) problems.Add("Worker:Command:TailBytes must be between 0 and 1 MiB.");

        foreach (var type in options.Types)
        {
            var missing = type switch
            {
                ComfyUIRunner.JobType when comfyUI.Value.Urls.Count == 0 => "no ComfyUI URL is configured (--comfyui URL)",
                A1111Runner.JobType when a1111.Value.Urls.Count == 0 => "no A1111 URL is configured (--a1111 URL)",
                CommandRunner.JobType when commands.Value.Commands.Count == 0 => "no command is configured (Worker:Command:Commands in the config file)",
                ComfyUIRunner.JobType or A1111Runner.JobType or CommandRunner.JobType or SimulatedRunner.JobType => null,
                _ => $"this worker has no runner for it (it knows {ComfyUIRunner.JobType}, {A1111Runner.JobType}, {CommandRunner.JobType}, {SimulatedRunner.JobType})",
            };
            if (missing is not null) problems.Add($"Worker:Types lists '{type}', but {missing}.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>The types to run when none are listed: every runner that has a backend. The simulated runner must be asked for.</summary>
    public static List<string> DefaultTypes(ComfyUIOptions comfyUI, A1111Options a1111, CommandOptions commands)
    {
        var types = new List<string>();
        if (comfyUI.Urls.Count > 0) types.Add(ComfyUIRunner.JobType);
        if (a1111.Urls.Count > 0) types.Add(A1111Runner.JobType);
        if (commands.Commands.Count > 0) types.Add(CommandRunner.JobType);
        return types;
    }

    private static IEnumerable<string> Urls(string key, List<Uri> urls)
    {
        for (var i = 0; i < urls.Count; i++)
        {
            if (!IsHttp(urls[i]))
                yield return $"{key}:{i} must be an absolute http(s) URL; it is '{urls[i]}'.";
        }
    }

    /// <summary>GPU bindings: none (the n-th URL on GPU n), or one index per URL. Whether the machine has those GPUs is
    /// checked when the worker registers, once nvidia-smi has been read.</summary>
    private static IEnumerable<string> Gpus(string section, List<Uri> urls, List<int> gpus)
    {
        if (gpus.Count > 0 && gpus.Count != urls.Count)
            yield return $"{section}:Gpus has {gpus.Count} GPU indexes for {urls.Count} URLs: give one per URL, in the same order (or none).";
        for (var i = 0; i < gpus.Count; i++)
        {
            if (gpus[i] is < 0 or > 63) yield return $"{section}:Gpus:{i} must be a GPU index (0–63, as nvidia-smi numbers them); it is {gpus[i]}.";
        }
    }

    private static bool IsHttp(Uri url) => url.IsAbsoluteUri && url.Scheme is "http" or "https";
}
