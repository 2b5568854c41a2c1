using System.Collections;
using RenderQueue.Worker.Configuration;

namespace RenderQueue.Worker;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        WorkerCommandLine commandLine;
        try
        {
            commandLine = WorkerCommandLine.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        if (commandLine.Help)
        {
            Console.WriteLine(WorkerCommandLine.Usage);
            return 0;
        }

        // The content root is the worker's own folder, so the installed worker finds its appsettings.json from any directory.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        try
        {
            builder.Configuration.AddWorkerSources(commandLine, (IDictionary)Environment.GetEnvironmentVariables());
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        builder.Services.AddRenderQueueWorker(builder.Configuration);
        // journald and plain files get no time of their own; UTC reads the same on every machine of a farm.
        builder.Logging.AddSimpleConsole(o =>
        {
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });

        using var host = builder.Build();
        try
        {
            await host.RunAsync();
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync("The worker's configuration is not valid:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", e.Failures));
            return 2;
        }
        return 0;
    }
}
