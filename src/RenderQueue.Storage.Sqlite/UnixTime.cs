namespace RenderQueue.Storage.Sqlite;

/// <summary>Times are stored as Unix milliseconds so that indexes compare integers.</summary>
internal static class UnixTime
{
    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset From(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static long MinuteOf(DateTimeOffset time) => Ms(time) / 60_000 * 60_000;
}
