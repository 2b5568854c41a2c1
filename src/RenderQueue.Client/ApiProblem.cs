using System.Text.Json;
using System.Text.Json.Serialization;

namespace RenderQueue.Client;

/// <summary>An RFC 7807 problem as the server sent it: what was wrong with a request.</summary>
public sealed record ApiProblem
{
    /// <summary>A URI naming the kind of problem, e.g. <c>https://renderqueue.dev/problems/lease-conflict</c>.</summary>
    public string? Type { get; init; }

    /// <summary>A short summary of the kind of problem.</summary>
    public string? Title { get; init; }

    /// <summary>The HTTP status code.</summary>
    public int? Status { get; init; }

    /// <summary>What was wrong with this request.</summary>
    public string? Detail { get; init; }

    /// <summary>The path of the request.</summary>
    public string? Instance { get; init; }

    /// <summary>Field errors of a 400, keyed by field name (e.g. <c>priority</c>, <c>jobs[2].type</c>).</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>Any other members of the problem.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extensions { get; init; }
}
