using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RenderQueue.Core.Storage;

namespace RenderQueue.Core.Api;

/// <summary>
/// The body of <c>PATCH /api/v1/queues/{name}</c>: <c>{"weight": 1–1000, "max_running": n | null}</c>. A field left out
/// keeps its value; <c>"max_running": null</c> removes the cap. The fields are read as JSON so that "left out" and
/// null differ, and so that a wrong value gets the rule rather than a converter's message.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PatchQueueRequest
{
    /// <summary>The queue's share of leases against other queues at the same priority, 1–1000.</summary>
    public JsonElement Weight { get; init; }

    /// <summary>At most this many of the queue's jobs run at once; null for no cap.</summary>
    public JsonElement MaxRunning { get; init; }

    /// <summary>The change this body asks for, with field errors keyed by snake_case name (empty when valid).</summary>
    public QueueSettingsChange ToChange(out Dictionary<string, string[]> errors)
    {
        errors = [];
        int? weight = null, maxRunning = null;
        if (Weight.ValueKind != JsonValueKind.Undefined)
        {
            if (WholeNumber(Weight) is { } w) weight = w;
            else errors["weight"] = [QueueSettings.WeightRule];
        }
        var setsMaxRunning = MaxRunning.ValueKind != JsonValueKind.Undefined;
        if (setsMaxRunning && MaxRunning.ValueKind != JsonValueKind.Null)
        {
            if (WholeNumber(MaxRunning) is { } m) maxRunning = m;
            else errors["max_running"] = [QueueSettings.MaxRunningRule];
        }
        var change = new QueueSettingsChange { Weight = weight, SetsMaxRunning = setsMaxRunning, MaxRunning = maxRunning };
        foreach (var (field, messages) in change.Validate()) errors.TryAdd(field, messages);
        if (errors.Count == 0 && change.IsEmpty) errors["weight"] = ["Nothing to change: give weight, max_running or both."];
        return change;
    }

    /// <summary>The JSON body that asks for <paramref name="change"/> (what clients send).</summary>
    public static JsonObject Body(QueueSettingsChange change)
    {
        var body = new JsonObject();
        if (change.Weight is { } weight) body["weight"] = weight;
        if (change.SetsMaxRunning) body["max_running"] = change.MaxRunning;
        return body;
    }

    private static int? WholeNumber(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;
}
