using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace RenderQueue.Server.Tests.Fuzz;

/// <summary>Mutations of a valid JSON body: wrong types, missing and unknown fields, extreme numbers, long or broken
/// strings, deep nesting, truncation, invalid UTF-8.</summary>
internal static class JsonMutator
{
    public static byte[] Mutate(string json, Random random)
    {
        if (!json.StartsWith('{'))
        {
            var upload = Encoding.UTF8.GetBytes(json); // not JSON (an upload): flip some bytes
            for (var n = random.Next(1, 4); n > 0; n--) upload[random.Next(upload.Length)] = (byte)random.Next(256);
            return upload;
        }
        if (JsonNode.Parse(json) is not JsonObject root) return Encoding.UTF8.GetBytes(json);
        var raw = new List<string>();
        for (var n = random.Next(1, 4); n > 0; n--) MutateObject(root, random, raw);
        // Hostile values go in as text, after serialising: a JsonNode could not hold a lone surrogate or depth 70.
        var text = root.ToJsonString();
        for (var i = 0; i < raw.Count; i++) text = text.Replace($"\"@@raw{i}@@\"", raw[i], StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(text);
        return random.Next(8) switch
        {
            0 => bytes[..random.Next(bytes.Length + 1)],                                               // truncated
            1 => [.. bytes[..(bytes.Length / 2)], 0xC3, 0x28, 0xFF, .. bytes[(bytes.Length / 2)..]], // invalid UTF-8
            _ => bytes,
        };
    }

    private static void MutateObject(JsonObject target, Random random, List<string> raw)
    {
        var keys = target.Select(p => p.Key).ToList();
        var key = keys.Count == 0 ? "x" : keys[random.Next(keys.Count)];
        switch (random.Next(6))
        {
            case 0: target.Remove(key); break;
            case 1: target["unknown_" + random.Next(100)] = 1; break;
            case 2 when target[key] is JsonObject inner: MutateObject(inner, random, raw); break;
            default:
                target[key] = $"@@raw{raw.Count}@@";
                raw.Add(RandomJson(random, 0));
                break;
        }
    }

    /// <summary>Any JSON value, hostile ones included.</summary>
    public static string RandomJson(Random random, int depth) => random.Next(depth > 3 ? 9 : 12) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 => Pick(random, ["0", "-1", "2147483648", "-9223372036854775809", "1e308", "1.5", "-0", "123456789012345678901234567890", "4.9e-324"]),
        3 => "\"" + Pick(random, ["", "x", "<script>alert(1)</script>", "\\u0000", "\\ud800", "\\udc00x", "\\\"", "🦊", "a\\nb"]) + "\"",
        4 => "\"" + new string('s', random.Next(1, 9_000)) + "\"",
        5 => "\"" + random.Next().ToString(CultureInfo.InvariantCulture) + "\"",
        6 => "\"2026-11-22T12:00:00Z\"",
        7 => "\"queued\"",
        8 => string.Concat(Enumerable.Repeat("[", 70)) + string.Concat(Enumerable.Repeat("]", 70)),
        9 => "[" + string.Join(", ", Enumerable.Range(0, random.Next(0, 5)).Select(_ => RandomJson(random, depth + 1))) + "]",
        10 => "{" + string.Join(", ", Enumerable.Range(0, random.Next(0, 5)).Select(i => $"\"k{i}\": {RandomJson(random, depth + 1)}")) + "}",
        _ => "{\"attempt\": " + RandomJson(random, depth + 1) + "}",
    };

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
