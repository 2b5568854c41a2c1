using RenderQueue.Core.Storage;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>Tells "Redis cannot serve this now" apart from everything else, and says so in the store's own terms.</summary>
internal static class RedisFailures
{
    /// <summary>
    /// Awaits a call to Redis, turning "no answer" into <see cref="StoreUnavailableException"/>: the connection is
    /// down or reconnecting, the reply timed out, a restarted Redis is still loading its data (<c>LOADING</c>), or
    /// Redis is full and refuses writes under <c>noeviction</c> (<c>OOM</c>). Redis refuses a script's command that
    /// adds data only while the script has written nothing yet, so an OOM refusal leaves nothing half done.
    /// </summary>
    public static async Task<T> AnsweredAsync<T>(Task<T> call)
    {
        try
        {
            return await call;
        }
        catch (Exception error) when (IsUnavailable(error))
        {
            throw new StoreUnavailableException($"Redis is unavailable: {error.Message}", error);
        }
    }

    public static bool IsUnavailable(Exception error) =>
        error is RedisConnectionException or RedisTimeoutException
        || (error is RedisServerException && (error.Message.StartsWith("LOADING", StringComparison.Ordinal) || error.Message.StartsWith("OOM", StringComparison.Ordinal)));
}
