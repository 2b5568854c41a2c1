using System.Globalization;

namespace RenderQueue.Server.Metrics;

/// <summary>A measurement's tags as a sorted, comparable list of Prometheus label pairs.</summary>
internal sealed record Labels(IReadOnlyList<KeyValuePair<string, string>> Pairs)
{
    public static Labels Empty { get; } = new([]);

    public static Labels From(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty) return Empty;
        var pairs = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var tag in tags)
            pairs.Add(new(tag.Key, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? ""));
        pairs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new Labels(pairs);
    }

    public Labels With(string name, string value) => new([.. Pairs, new(name, value)]);

    public bool Equals(Labels? other) => other is not null && Pairs.SequenceEqual(other.Pairs);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var pair in Pairs) hash.Add(pair);
        return hash.ToHashCode();
    }
}
