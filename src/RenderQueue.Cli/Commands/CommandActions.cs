using System.CommandLine;
using System.Net;
using RenderQueue.Client;
using RenderQueue.Core.Api;

namespace RenderQueue.Cli.Commands;

/// <summary>
/// Runs a command's body and turns whatever goes wrong into one line on standard error and an exit code: never a stack
/// trace for anything a user can cause (a bad value, a refused request, an unreachable server).
/// </summary>
internal static class CommandActions
{
    public delegate Task<int> Body(CliContext cli, ParseResult parse, CancellationToken cancellationToken);

    public static void SetBody(this Command command, CliHost host, GlobalOptions global, Body body) =>
        command.SetAction(async (parse, ct) =>
        {
            using var cli = new CliContext(host, parse.GetValue(global.Server), parse.GetValue(global.Key));
            try
            {
                return await body(cli, parse, ct);
            }
            catch (Exception e)
            {
                if (ExitCodeOf(e, cli, ct) is not { } code) throw; // a bug: surface it whole
                return code;
            }
        });

    /// <summary>
    /// Adds <c>--json</c> and a body that asks the server for one thing and prints it: with <c>--json</c> as the API's
    /// JSON (stable, for scripts), else as <paramref name="show"/> presents it to people.
    /// </summary>
    public static void SetShowBody<T>(
        this Command command, CliHost host, GlobalOptions global, Func<CliContext, ParseResult, CancellationToken, Task<T>> fetch, Action<CliContext, T> show)
    {
        var json = CliOptions.Json();
        command.Options.Add(json);
        command.SetBody(host, global, async (cli, parse, ct) =>
        {
            var answer = await fetch(cli, parse, ct);
            if (parse.GetValue(json)) cli.WriteJson(answer);
            else show(cli, answer);
            return ExitCodes.Ok;
        });
    }

    /// <summary><see cref="SetShowBody{T}"/> for a list, whose JSON is the API's <c>{"items": […]}</c>.</summary>
    public static void SetShowListBody<T>(
        this Command command, CliHost host, GlobalOptions global, Func<CliContext, CancellationToken, Task<IReadOnlyList<T>>> fetch,
        Action<CliContext, IReadOnlyList<T>> show) =>
        command.SetShowBody(host, global, async (cli, _, ct) => new ItemsResponse<T>(await fetch(cli, ct)), (cli, list) => show(cli, list.Items));

    /// <summary>Reports <paramref name="e"/> and says the exit code, or null for a bug (which then surfaces whole).</summary>
    internal static int? ExitCodeOf(Exception e, CliContext cli, CancellationToken ct)
    {
        switch (e)
        {
            case UsageException usage:
                cli.WriteError(usage.Message);
                return ExitCodes.Usage;
            case RenderQueueApiException api:
                cli.WriteError(Describe(api) + (api.StatusCode == HttpStatusCode.Unauthorized && cli.Settings.ApiKey is null
                    ? $" (no key was sent: give one with --key, {ServerSettings.KeyVariable} or the config file)"
                    : ""));
                return api.StatusCode == HttpStatusCode.BadRequest ? ExitCodes.Usage : ExitCodes.Failure;
            case HttpRequestException http:
                cli.WriteError($"cannot reach the server at {cli.Settings.Server} (from {cli.Settings.ServerSource}): {Innermost(http).Message}");
                return ExitCodes.Unreachable;
            case TaskCanceledException { InnerException: TimeoutException }:
                cli.WriteError($"the server at {cli.Settings.Server} did not answer in time.");
                return ExitCodes.Unreachable;
            case OperationCanceledException when ct.IsCancellationRequested:
                cli.WriteError("interrupted.");
                return ExitCodes.Interrupted;
            case IOException or UnauthorizedAccessException:
                cli.WriteError(e.Message);
                return ExitCodes.Failure;
            default:
                return null;
        }
    }

    /// <summary>The problem in one line: status, title, detail, and the field errors of a 400.</summary>
    public static string Describe(RenderQueueApiException e)
    {
        var line = e.Message;
        if (e.Errors.Count > 0)
            line += " (" + string.Join("; ", e.Errors.Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value)}")) + ")";
        return line.ReplaceLineEndings(" ");
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
