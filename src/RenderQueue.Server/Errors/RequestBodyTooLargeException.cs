namespace RenderQueue.Server.Errors;

/// <summary>
/// A request body went over its limit. Deliberately not an <see cref="IOException"/>: minimal APIs swallow those
/// while binding a body, and this one must reach the exception handler to become a 413 problem.
/// </summary>
internal sealed class RequestBodyTooLargeException(long limit)
    : Exception(FormattableString.Invariant($"The request body is larger than the limit of {limit} bytes."))
{
    public long Limit { get; } = limit;
}
