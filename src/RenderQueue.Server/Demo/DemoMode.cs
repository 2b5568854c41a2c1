namespace RenderQueue.Server.Demo;

/// <summary>
/// <c>--demo</c> (or <c>Demo=true</c>): the server also runs a simulated worker in process and submits a few sample
/// jobs, so a newcomer sees jobs flow at once. The demo worker is the real agent (src/RenderQueue.Worker.Runtime) with only
/// the simulated runner, talking to this server over HTTP like any remote worker.
/// </summary>
internal static class DemoMode
{
    public const string Switch = "--demo";
    public const string Key = "Demo";

    /// <summary>Takes <c>--demo</c> out of the arguments: the configuration reader would expect a value after it.</summary>
    public static string[] Take(string[] args, out bool demo)
    {
        demo = args.Contains(Switch, StringComparer.OrdinalIgnoreCase);
        return demo ? args.Where(a => !string.Equals(a, Switch, StringComparison.OrdinalIgnoreCase)).ToArray() : args;
    }

    public static IServiceCollection AddDemo(this IServiceCollection services, bool requested, IConfiguration configuration)
    {
        if (requested || configuration.GetValue<bool>(Key)) services.AddHostedService<DemoWorker>();
        return services;
    }
}
