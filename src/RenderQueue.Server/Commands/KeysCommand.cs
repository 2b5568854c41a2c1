using System.Globalization;
using RenderQueue.Core.Keys;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Configuration;

namespace RenderQueue.Server.Commands;

/// <summary>
/// <c>RenderQueue.Server keys create|list|revoke</c>: manages API keys straight in the configured store, with the
/// server's own configuration (appsettings.json, <c>RENDERQUEUE__</c> variables, <c>--Section:Key value</c>), so it
/// works before any key exists and on any node. A created key is printed once, alone on standard output.
/// </summary>
internal static class KeysCommand
{
    public const string Usage = """
        Usage:
          RenderQueue.Server keys create --role submit|worker|admin --name NAME   prints the new key (shown only once)
          RenderQueue.Server keys list                                          every key: id, role, name, created, revoked
          RenderQueue.Server keys revoke ID                                     stops the key working (on every node within seconds)
        The store is the server's: add --Store:Sqlite:Path PATH (or RENDERQUEUE__ variables) as for the server.
        """;

    public static bool Matches(string[] args) => args is ["keys", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        if (!TryParse(args[1..], out var command, out var problem))
        {
            await errors.WriteLineAsync(problem);
            await errors.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            return await RunAsync(command, output, errors);
        }
        catch (Exception e) when (e is InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await errors.WriteLineAsync(e.Message);
            return 2;
        }
    }

    private static async Task<int> RunAsync(Command command, TextWriter output, TextWriter errors)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = command.ConfigurationArgs, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables(prefix: "RENDERQUEUE__").AddCommandLine(command.ConfigurationArgs);
        builder.Logging.AddFilter(null, LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddValidatedOptions<AuthOptions>(AuthOptions.Section);
        builder.Services.AddRenderQueueStore(builder.Configuration);
        builder.Services.AddSingleton<ApiKeyDirectory>();
        using var host = builder.Build();
        var keys = host.Services.GetRequiredService<ApiKeyDirectory>();

        switch (command.Verb)
        {
            case "create":
                var (record, key) = await keys.CreateAsync(command.Name!, command.Role, CancellationToken.None);
                await errors.WriteLineAsync($"Created {record.Role.ToWire()} key '{record.Name}' (id {record.Id}). It is shown only this once; keep it secret:");
                await output.WriteLineAsync(key);
                return 0;
            case "list":
                foreach (var k in await keys.ListAsync(CancellationToken.None))
                {
                    await output.WriteLineAsync(string.Join("  ",
                        k.Id, k.Role.ToWire().PadRight(6), k.Name, k.CreatedAt.ToString("u", CultureInfo.InvariantCulture),
                        k.RevokedAt is { } revoked ? "revoked " + revoked.ToString("u", CultureInfo.InvariantCulture) : "active"));
                }
                return 0;
            default:
                try
                {
                    var revokedKey = await keys.RevokeAsync(command.Id!, CancellationToken.None);
                    await errors.WriteLineAsync($"Revoked key {revokedKey.Id} ('{revokedKey.Name}'); every node refuses it within {host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value.KeyCacheDuration:c}.");
                    return 0;
                }
                catch (ApiKeyNotFoundException e)
                {
                    await errors.WriteLineAsync(e.Message);
                    return 1;
                }
        }
    }

    private sealed record Command(string Verb, string? Name, ApiKeyRole Role, string? Id, string[] ConfigurationArgs);

    private static bool TryParse(string[] args, out Command command, out string problem)
    {
        command = null!;
        problem = "";
        if (args.Length == 0 || args[0] is not ("create" or "list" or "revoke"))
        {
            problem = "keys needs one of: create, list, revoke.";
            return false;
        }
        string? name = null, role = null, id = null;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--name" when i + 1 < args.Length: name = args[++i]; break;
                case "--role" when i + 1 < args.Length: role = args[++i]; break;
                case var value when !value.StartsWith("--", StringComparison.Ordinal) && args[0] == "revoke" && id is null: id = value; break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains(':', StringComparison.Ordinal):
                    rest.Add(setting);
                    if (!setting.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length) rest.Add(args[++i]);
                    break;
                default:
                    problem = $"Unexpected argument '{args[i]}'.";
                    return false;
            }
        }
        var parsedRole = ApiKeyRole.Submit;
        switch (args[0])
        {
            case "create" when !Core.Api.SubmitValidation.IsName(name):
                problem = "keys create needs --name: 1–64 letters, digits or _ . : = - (e.g. gpu-box-1).";
                return false;
            case "create" when !ApiKeyRoles.TryParse(role, out parsedRole):
                problem = "keys create needs --role submit, worker or admin.";
                return false;
            case "revoke" when !ApiKeyText.IsId(id):
                problem = "keys revoke needs the key's id (16 characters, as keys list shows it).";
                return false;
        }
        command = new Command(args[0], name, parsedRole, id, [.. rest]);
        return true;
    }
}
