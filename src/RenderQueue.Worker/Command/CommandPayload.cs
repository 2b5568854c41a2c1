using System.Text.Json;
using RenderQueue.Worker.Runtime.Runners;

namespace RenderQueue.Worker.Command;

/// <summary>
/// The <c>command</c> payload: <c>{"command": "whisper", "args": {"input": "/data/talk.wav"}}</c>. <c>command</c> names a
/// command of the worker's configuration (it may be left out when the worker has exactly one); <c>args</c> fills the
/// template's placeholders and holds only strings.
/// </summary>
internal sealed record CommandPayload(string? Command, IReadOnlyDictionary<string, string> Args)
{
    public static CommandPayload Parse(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
            throw JobFailedException.InvalidInput("The command payload must be an object: {\"command\": \"name\", \"args\": {\"input\": \"…\"}}.");
        string? command = null;
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in payload.EnumerateObject())
        {
            switch (property.Name)
            {
                case "command" when property.Value.ValueKind == JsonValueKind.String:
                    command = property.Value.GetString();
                    break;
                case "command":
                    throw JobFailedException.InvalidInput("'command' must be the name of a configured command, a string.");
                case "args" when property.Value.ValueKind == JsonValueKind.Object:
                    foreach (var arg in property.Value.EnumerateObject())
                    {
                        if (arg.Value.ValueKind != JsonValueKind.String)
                            throw JobFailedException.InvalidInput($"args.{arg.Name} must be a string (it is {arg.Value.ValueKind.ToString().ToLowerInvariant()}).");
                        args[arg.Name] = arg.Value.GetString()!;
                    }
                    break;
                case "args" when property.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "args":
                    throw JobFailedException.InvalidInput("'args' must be an object of strings.");
                default:
                    throw JobFailedException.InvalidInput($"Unknown field '{property.Name}' in the command payload; expected 'command' and 'args'.");
            }
        }
        return new CommandPayload(command, args);
    }
}
