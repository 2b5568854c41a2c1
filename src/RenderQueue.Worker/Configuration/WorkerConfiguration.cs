using System.Collections;

namespace RenderQueue.Worker.Configuration;

/// <summary>Where the worker's settings come from, lowest precedence first: appsettings.json, <c>--config</c>, environment, command line.</summary>
internal static class WorkerConfiguration
{
    public const string EnvironmentPrefix = "RENDERQUEUE_WORKER__";

    /// <summary>The API key, under the name every RenderQueue tool reads it from.</summary>
    public const string KeyVariable = "RENDERQUEUE_KEY";

    public static IConfigurationBuilder AddWorkerSources(this IConfigurationBuilder configuration, WorkerCommandLine commandLine, IDictionary environment)
    {
        if (commandLine.ConfigFile is { } file)
        {
            var path = Path.GetFullPath(file);
            if (!File.Exists(path)) throw new ArgumentException($"The configuration file '{path}' (--config) does not exist.");
            configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        }
        configuration.AddInMemoryCollection(FromEnvironment(environment));
        configuration.AddInMemoryCollection(commandLine.Settings);
        return configuration;
    }

    /// <summary><c>RENDERQUEUE_WORKER__ComfyUI__Urls__0</c> becomes <c>Worker:ComfyUI:Urls:0</c>; <c>RENDERQUEUE_KEY</c>
    /// becomes <c>Worker:ApiKey</c> (a <c>RENDERQUEUE_WORKER__ApiKey</c> wins over it).</summary>
    public static Dictionary<string, string?> FromEnvironment(IDictionary environment)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (environment[KeyVariable] is string key) settings["Worker:ApiKey"] = key;
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > EnvironmentPrefix.Length)
                settings["Worker:" + name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = entry.Value as string;
        }
        return settings;
    }
}
