using System.CommandLine;
using System.Globalization;
using RenderQueue.Cli.Output;
using RenderQueue.Core.Api;
using RenderQueue.Core.Keys;

namespace RenderQueue.Cli.Commands;

/// <summary><c>renderq keys create --role R [--name N]</c>, <c>keys list</c>, <c>keys revoke ID</c>: the server's keys API (admin key needed).</summary>
internal static class KeysCommand
{
    public static readonly string[] Headers = ["id", "role", "name", "created", "status"];

    public static Command Create(CliHost host, GlobalOptions global) =>
        new("keys", "Create, list and revoke the server's API keys (needs an admin key).")
        {
            CreateKey(host, global),
            List(host, global),
            Revoke(host, global),
        };

    private static Command CreateKey(CliHost host, GlobalOptions global)
    {
        var role = new Option<string>("--role", "-r") { Description = "What the key may do: submit (clients), worker (GPU machines) or admin (everything).", Required = true };
        role.AcceptOnlyFromAmong("submit", "worker", "admin");
        var name = new Option<string?>("--name", "-n") { Description = "Who holds the key, e.g. gpu-box-1 (default: the role and the time)." };
        var json = CliOptions.Json();
        var command = new Command("create", "Create a key and print it, alone on standard output. It is shown only this once.") { role, name, json };
        command.SetBody(host, global, async (cli, parse, ct) =>
        {
            ApiKeyRoles.TryParse(parse.GetRequiredValue(role), out var keyRole);
            var keyName = parse.GetValue(name) ?? $"{keyRole.ToWire()}-{DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
            var created = await cli.Client.CreateKeyAsync(keyName, keyRole, ct);
            if (parse.GetValue(json))
            {
                cli.WriteJson(created);
                return ExitCodes.Ok;
            }
            cli.Host.Error.WriteLine($"Created {created.Role.ToWire()} key '{created.Name}' (id {created.Id}). It is shown only this once; keep it secret:");
            cli.Host.Error.Flush();
            cli.WriteLine(created.Key);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliHost host, GlobalOptions global)
    {
        var command = new Command("list", "List every key: id, role, name, when created, and whether revoked (never the keys themselves).");
        command.SetShowListBody(host, global, (cli, ct) => cli.Client.ListKeysAsync(ct), (cli, keys) => TableOutput.Write(cli, Headers, keys.Select(Row)));
        return command;
    }

    private static Command Revoke(CliHost host, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The key's id (the 16 characters after rq_; see keys list)." };
        var command = new Command("revoke", "Revoke a key: every server refuses it within seconds.") { id };
        command.SetShowBody(host, global, (cli, parse, ct) => cli.Client.RevokeKeyAsync(parse.GetRequiredValue(id), ct),
            (cli, revoked) => cli.WriteLine($"{revoked.Id}: revoked ({revoked.Role.ToWire()} key '{revoked.Name}')"));
        return command;
    }

    private static IReadOnlyList<Cell> Row(ApiKeyInfo key) =>
    [
        key.Id,
        key.Role == ApiKeyRole.Admin ? new Cell("admin", "yellow") : key.Role.ToWire(),
        key.Name,
        Formats.Time(key.CreatedAt),
        key.RevokedAt is { } at ? new Cell("revoked " + Formats.Time(at), "red") : new Cell("active", "green"),
    ];
}
