using RenderQueue.Core.Storage;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>Tells "Redis did not answer" apart from everything else, and says so in the store's own terms.</summary>
internal static class RedisFailures
{
    /// <summary>
    /// Awaits a call to Redis, turning "no answer" into <see cref="StoreUnavailableException"/>: the connection is
    /// down or reconnecting, the reply timed out, or a restarted Redis is still loading its data.
    /// </summary>
    public static async Task<T> AnsweredAsync<T>(Task<T> call)
    {
        try
        {
            return await call;
        }
        catch (Exception error) when (IsUnavailable(error))
        {
            throw new StoreUnavailableException($"Redis did not answer: {error.Message}", error);
        }
    }

    public static bool IsUnavailable(Exception error) =>
        error is RedisConnectionException or RedisTimeoutException
        || (error is RedisServerException && error.Message.StartsWith("LOADING", StringComparison.Ordinal));
}
