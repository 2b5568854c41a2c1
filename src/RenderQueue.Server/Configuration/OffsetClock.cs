using System.Globalization;

namespace RenderQueue.Server.Configuration;

/// <summary>
/// <b>Test and diagnostic use only.</b> The system clock plus an offset read from a file (a <c>TimeSpan</c> such as
/// <c>01:00:00</c>, re-read every 100 ms), so a fault test can make a running server's wall clock jump, as an NTP
/// step or a VM resume would. Monotonic time (<see cref="TimeProvider.GetTimestamp"/>) and timers are untouched,
/// as they are by a real jump. Enabled by <c>Diagnostics:ClockOffsetFile</c>; never set it in production.
/// </summary>
internal sealed class OffsetClock : TimeProvider, IDisposable
{
    public const string Key = "Diagnostics:ClockOffsetFile";

    private static readonly TimeSpan ReadInterval = TimeSpan.FromMilliseconds(100);
    private readonly string _path;
    private readonly ITimer _reader;
    private long _offsetTicks;

    public OffsetClock(string path)
    {
        _path = path;
        Read();
        _reader = System.CreateTimer(_ => Read(), null, ReadInterval, ReadInterval);
    }

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>The configured clock: this one when <see cref="Key"/> is set, else the system clock.</summary>
    public static TimeProvider From(IConfiguration configuration) =>
        configuration[Key] is { Length: > 0 } path ? new OffsetClock(path) : System;

    private void Read()
    {
        try
        {
            var text = File.Exists(_path) ? File.ReadAllText(_path).Trim() : "";
            var offset = text.Length == 0 ? TimeSpan.Zero : TimeSpan.Parse(text, CultureInfo.InvariantCulture);
            Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
        }
        catch (Exception e) when (e is IOException or FormatException or OverflowException or UnauthorizedAccessException)
        {
            // half-written or unreadable: keep the last offset until the next read
        }
    }

    public void Dispose() => _reader.Dispose();
}
