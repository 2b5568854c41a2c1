using System.Text;

namespace RenderQueue.Cli.Tests;

/// <summary>A StringWriter that a test may read while the command is still writing to it from other threads.</summary>
public sealed class SharedStringWriter : StringWriter
{
    private readonly Lock _gate = new();

    public override void Write(char value)
    {
        lock (_gate) base.Write(value);
    }

    public override void Write(string? value)
    {
        lock (_gate) base.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate) base.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_gate) base.Write(buffer);
    }

    public override void WriteLine(string? value)
    {
        lock (_gate) base.WriteLine(value);
    }

    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        lock (_gate) base.WriteLine(buffer);
    }

    public override StringBuilder GetStringBuilder() => throw new NotSupportedException("Read it with ToString().");

    public override string ToString()
    {
        lock (_gate) return base.ToString();
    }
}
