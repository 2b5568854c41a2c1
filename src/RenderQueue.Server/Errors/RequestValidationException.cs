namespace RenderQueue.Server.Errors;

/// <summary>A request that parsed but holds values out of range; becomes a 400 problem with <c>errors</c>.</summary>
internal sealed class RequestValidationException(IDictionary<string, string[]> errors)
    : Exception("The request has invalid values: " + string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public IDictionary<string, string[]> Errors { get; } = errors;

    public static RequestValidationException For(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>Throws when <paramref name="errors"/> holds anything.</summary>
    public static void ThrowIfAny(IDictionary<string, string[]> errors)
    {
        if (errors.Count > 0) throw new RequestValidationException(errors);
    }
}
