using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime.Runners;

namespace RenderQueue.Worker.Runtime;

/// <summary>The agent's own rules: valid values, something to run, and a runner for every type it registers.</summary>
internal sealed class AgentOptionsValidator(IEnumerable<IJobRunner> runners) : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var problems = options.Validate().ToList();
        var known = runners.Select(r => r.Type).ToHashSet(StringComparer.Ordinal);
        if (options.Types.Count == 0)
            problems.Add("Nothing to run: give a backend (--comfyui URL, --a1111 URL, commands in the config file) or list the job types with --types (e.g. --types simulated).");
        foreach (var type in options.Types.Where(t => !known.Contains(t)).Distinct(StringComparer.Ordinal))
            problems.Add($"Worker:Types lists '{type}', which no runner handles (runners: {string.Join(", ", known.Order(StringComparer.Ordinal))}).");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
