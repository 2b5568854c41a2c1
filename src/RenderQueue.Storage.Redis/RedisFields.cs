using System.Globalization;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>A hash (or stream entry) as returned flat by a script: name, value, name, value, …</summary>
internal sealed class RedisFields
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public RedisFields(RedisResult flat)
    {
        var items = (RedisResult[])flat!;
        for (var i = 0; i + 1 < items.Length; i += 2) _values[(string)items[i]!] = (string)items[i + 1]!;
    }

    /// <summary>Fields already decoded, e.g. from a JSON object of strings that a script wrote.</summary>
    public RedisFields(IReadOnlyDictionary<string, string> values)
    {
        foreach (var (name, value) in values) _values[name] = value;
    }

    public IEnumerable<KeyValuePair<string, string>> All => _values;

    public string this[string name] => _values.TryGetValue(name, out var value)
        ? value
        : throw new InvalidOperationException($"A Redis hash lacks the field '{name}'.");

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public bool Flag(string name) => _values.GetValueOrDefault(name) == "1";

    public long Long(string name) => long.Parse(this[name], CultureInfo.InvariantCulture);

    public long? OptionalLong(string name) => Text(name) is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : null;

    public int Int(string name) => int.Parse(this[name], CultureInfo.InvariantCulture);

    public double Double(string name) => double.Parse(this[name], CultureInfo.InvariantCulture);

    public DateTimeOffset Time(string name) => DateTimeOffset.FromUnixTimeMilliseconds(Long(name));

    public DateTimeOffset? OptionalTime(string name) => OptionalLong(name) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
