namespace RenderQueue.Worker.Configuration;

/// <summary>
/// The worker's command line: friendly switches (<c>--server</c>, <c>--comfyui</c>, …) become configuration keys
/// under <c>Worker:</c>; lists take commas or repeats; <c>--Section:Key=value</c> sets any key directly.
/// </summary>
internal sealed record WorkerCommandLine(IReadOnlyDictionary<string, string?> Settings, string? ConfigFile, bool Help)
{
    public const string Usage = """
        RenderQueue worker: pulls jobs from a RenderQueue server and runs them on this machine's backends.

        Usage: RenderQueue.Worker --server URL [options]

          --server URL          the RenderQueue server, e.g. http://queue-host:8000 (required)
          --key KEY             a worker API key (rq_…); better in RENDERQUEUE_KEY, which ps cannot show
          --comfyui URL[,URL]   ComfyUI instances to drive, e.g. http://127.0.0.1:8188 (repeatable)
          --a1111 URL[,URL]     AUTOMATIC1111 instances (started with --api), e.g. http://127.0.0.1:7860
          --comfyui-gpus N[,N]  the GPU each ComfyUI URL runs on, in order (default: the n-th URL on GPU n)
          --a1111-gpus N[,N]    the GPU each A1111 URL runs on, in order (default: the n-th URL on GPU n)
          --types T[,T]         job types to run (default: every configured runner; 'simulated' only when listed)
          --labels L[,L]        labels matched against jobs' requirements, e.g. region=eu
          --queues Q[,Q]        queues to lease from (default: all)
          --concurrency N       jobs run at once by command/simulated runners (default 1; with ComfyUI
                                or A1111 each healthy, free backend is a slot instead)
          --id ID               a stable worker id (default: the host name)
          --name NAME           a name shown to people (default: the id)
          --config FILE         a JSON configuration file (see docs/worker.md)
          --Section:Key=VALUE   any configuration key, e.g. --Worker:DrainGrace=00:02:00
          -h, --help            this text

        Environment variables RENDERQUEUE_WORKER__Key (e.g. RENDERQUEUE_WORKER__Server,
        RENDERQUEUE_WORKER__ComfyUI__Urls__0) set Worker:Key; the command line wins over them.
        RENDERQUEUE_KEY sets the API key (Worker:ApiKey).
        """;

    private static readonly Dictionary<string, (string Key, bool IsList)> Switches = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--server"] = ("Worker:Server", false),
        ["--key"] = ("Worker:ApiKey", false),
        ["--comfyui"] = ("Worker:ComfyUI:Urls", true),
        ["--a1111"] = ("Worker:A1111:Urls", true),
        ["--comfyui-gpus"] = ("Worker:ComfyUI:Gpus", true),
        ["--a1111-gpus"] = ("Worker:A1111:Gpus", true),
        ["--types"] = ("Worker:Types", true),
        ["--labels"] = ("Worker:Labels", true),
        ["--queues"] = ("Worker:Queues", true),
        ["--concurrency"] = ("Worker:Concurrency", false),
        ["--id"] = ("Worker:Id", false),
        ["--name"] = ("Worker:Name", false),
    };

    /// <summary>Reads the arguments; throws <see cref="ArgumentException"/> with a message for people on a mistake.</summary>
    public static WorkerCommandLine Parse(IReadOnlyList<string> args)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var lists = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        string? configFile = null;
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                help = true;
                continue;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{arg}'. Try --help.");

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            string Value()
            {
                if (equals > 0) return arg[(equals + 1)..];
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"{name} needs a value. Try --help.");
                return args[++i];
            }

            if (name.Equals("--config", StringComparison.OrdinalIgnoreCase)) configFile = Value();
            else if (Switches.TryGetValue(name, out var target) && target.IsList)
            {
                if (!lists.TryGetValue(target.Key, out var list)) lists[target.Key] = list = [];
                list.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
            else if (Switches.TryGetValue(name, out target)) settings[target.Key] = Value();
            else if (name.Contains(':', StringComparison.Ordinal)) settings[name[2..]] = Value();
            else throw new ArgumentException($"Unknown option '{name}'. Try --help.");
        }
        foreach (var (key, list) in lists)
        {
            for (var n = 0; n < list.Count; n++) settings[$"{key}:{n}"] = list[n];
        }
        return new WorkerCommandLine(settings, configFile, help);
    }
}
