using System.Reflection;
using RenderQueue.Worker.Runtime.Backends;
using RenderQueue.Worker.Runtime.Gpus;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Core.Workers;

namespace RenderQueue.Worker.Runtime;

/// <summary>Gathers what the worker tells the server about itself: types, GPUs, backends, models, labels, slots.</summary>
internal sealed class RegistrationBuilder(AgentOptions options, IReadOnlyList<IJobRunner> runners, IGpuProbe gpus, BackendRegistry? backends)
{
    public static string Version { get; } =
        typeof(RegistrationBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public string WorkerId { get; } = options.Id ?? DefaultId();

    /// <exception cref="InvalidOperationException">A backend is bound to a GPU the machine does not have.</exception>
    public async Task<WorkerRegistration> BuildAsync(CancellationToken cancellationToken)
    {
        var detected = await gpus.ReadAsync(cancellationToken);
        backends?.Bind(detected);
        return new()
        {
            Id = WorkerId,
            Name = options.Name ?? WorkerId,
            Types = options.Types,
            Queues = options.Queues,
            Labels = options.Labels,
            Models = await ModelsAsync(cancellationToken),
            Gpus = detected,
            Backends = backends?.Snapshot() ?? [],
            // With backends, each one is a slot (Concurrency is for runners without them).
            Concurrency = backends?.Slots.Count ?? options.Concurrency,
            Host = Environment.MachineName,
            Version = Version,
        };
    }

    /// <summary>The models of every backend, merged; a backend that cannot be reached adds none (and says so in the log).</summary>
    public async Task<IReadOnlyList<string>> ModelsAsync(CancellationToken cancellationToken)
    {
        var models = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in runners.OfType<IModelSource>())
        {
            foreach (var model in await source.GetModelsAsync(cancellationToken))
            {
                if (!string.IsNullOrWhiteSpace(model) && model.Length <= 256) models.Add(model);
            }
        }
        return [.. models];
    }

    private static string DefaultId()
    {
        var host = new string(Environment.MachineName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_').ToArray());
        host = host.TrimStart('-', '.', '_');
        return host.Length == 0 ? "worker" : host.Length > 64 ? host[..64] : host;
    }
}
