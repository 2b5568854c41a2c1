using System.Text;

namespace RenderQueue.Server.Tests.Fuzz;

/// <summary>
/// Seeded request generator: picks a route, fills its parameters with real or hostile values, and sends valid,
/// mutated or random bodies, headers, methods and paths. Same seed, same requests.
/// </summary>
internal sealed class RequestFuzzer(FuzzTargets targets, int seed)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FUZZ", "get"];
    private static readonly string[] Names =
    [
        "out.png", "ComfyUI_00001_.png", "../../etc/passwd", "..%2F..%2Fsecret", "%2e%2e", "a%2Fb", "a%5Cb", "%00", "x%00.png",
        "%E2%80%AEgnp.exe", "%F0%9F%A6%8A.png", "%FF%FE", "CON", ".env", "a..b", "%", "%zz", new string('n', 300), "", "..",
    ];
    private static readonly string[] Junk = ["", "x", "..", "%00", "%FF", "0", "-1", "null", "<script>alert(1)</script>", new string('z', 2_000), "01jd3r1q6m8x0b4k7c2w9f5t3n", "%2F", "\u00e9"];
    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json", "application/json", "application/json; charset=utf-8", "text/plain",
        "application/json; charset=latin1", "multipart/form-data; boundary=x", "a/b/c", "application/x-www-form-urlencoded", "",
    ];

    private readonly Random _random = new(seed);

    public (string Method, string Target, List<(string, byte[])> Headers, byte[]? Body) Next()
    {
        var (pattern, methods) = targets.Endpoints[_random.Next(targets.Endpoints.Count)];
        var method = _random.NextDouble() < 0.85 ? methods[_random.Next(methods.Count)] : Pick(Methods);
        var target = Mutate(Fill(pattern)) + Query();
        var headers = new List<(string, byte[])>();
        AddAuthorization(headers);
        var body = Body(method, pattern);
        if (body is not null)
        {
            if (Pick(ContentTypes) is { Length: > 0 } type) headers.Add(("Content-Type", Encoding.ASCII.GetBytes(type)));
            body = Frame(headers, body);
        }
        AddNoise(headers);
        return (method, target, headers, body);
    }

    private string Fill(string pattern)
    {
        var parts = pattern.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i] == "{documentName}.json")
            {
                parts[i] = _random.Next(4) == 0 ? Pick(Junk) + ".json" : "v1.json";
                continue;
            }
            if (!parts[i].StartsWith('{')) continue;
            var name = parts[i].Trim('{', '}', '*');
            var roll = _random.NextDouble();
            parts[i] = roll < 0.15 ? Pick(Junk) : (name, parts[i - 1]) switch
            {
                ("name", "artifacts") => Pick(Names),
                ("name", _) => Pick(["default", "fuzz", "renders", "a:b"]),
                ("id", "keys") => Pick(targets.KeyIds),
                ("id", "webhooks") => Pick(targets.WebhookIds),
                ("id", "workers") => Pick(targets.WorkerIds),
                _ => Pick(targets.JobIds),
            };
        }
        return string.Join('/', parts);
    }

    private string Mutate(string path)
    {
        if (_random.NextDouble() > 0.2) return path;
        var chars = path.ToList();
        for (var n = _random.Next(1, 4); n > 0; n--)
        {
            var at = _random.Next(chars.Count + 1);
            switch (_random.Next(6))
            {
                case 0: chars.InsertRange(at, Pick(["%00", "%ff", "%2e%2e/", "//", "/./", "%", "\u00e9", "?", "#"])); break;
                case 1: if (chars.Count > 1) chars.RemoveAt(_random.Next(1, chars.Count)); break;
                case 2: chars.InsertRange(at, new string('a', _random.Next(1, 9_000))); break;
                case 3: chars.Insert(at, (char)_random.Next(0x21, 0x7F)); break;
                case 4: chars.InsertRange(at, "/.."); break;
                default: chars.InsertRange(at, "%" + _random.Next(256).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }
        return new string([.. chars]);
    }

    private string Query()
    {
        if (_random.NextDouble() < 0.5) return "";
        var parts = new List<string>();
        for (var n = _random.Next(1, 4); n > 0; n--)
        {
            parts.Add(Pick(["attempt", "limit", "cursor", "state", "queue", "type", "job_id", "after", "minutes", "wait", "x"]) + "=" +
                Pick(["1", "0", "-5", "2147483648", "queued,running", "nope", "%00", "", "9999999999999999999999", "abc%2", "\u00e9", "1e9"]));
        }
        return "?" + string.Join('&', parts);
    }

    private void AddAuthorization(List<(string, byte[])> headers)
    {
        var roll = _random.NextDouble();
        if (roll < 0.75) headers.Add(("Authorization", Encoding.ASCII.GetBytes("Bearer " + Pick(targets.Keys))));
        else if (roll < 0.85) headers.Add(("Authorization", Encoding.ASCII.GetBytes(Pick(["Bearer ", "Bearer rq_", "Basic YTpi", "Bearer " + new string('k', 63), "bearer  x  y"]))));
        else if (roll < 0.9) headers.Add(("Authorization", RandomBytes(1, 80, printable: true)));
        else if (roll < 0.96)
        {
            // The dashboard's session cookie, with the right CSRF token, a wrong one or none.
            headers.Add(("Cookie", Encoding.ASCII.GetBytes(targets.Session.Cookie)));
            var token = Pick([targets.Session.CsrfToken, targets.Session.CsrfToken[..^1], ""]);
            if (token.Length > 0) headers.Add(("X-CSRF-Token", Encoding.ASCII.GetBytes(token)));
        }
        else headers.Add(("Cookie", Encoding.ASCII.GetBytes(Pick(["rq_session=", "rq_session=!!", "rq_session=%FF%00", "rq_session=" + new string('C', 3000), "a=b; rq_session=CfDJ8"]))));
    }

    private void AddNoise(List<(string, byte[])> headers)
    {
        for (var n = _random.Next(0, 4); n > 0; n--)
        {
            var (name, value) = _random.Next(10) switch
            {
                0 => ("Idempotency-Key", Encoding.ASCII.GetBytes(new string('i', _random.Next(0, 400)))),
                1 => ("Origin", Encoding.ASCII.GetBytes(Pick(["https://evil.example", "null", "http://localhost:8000"]))),
                2 => ("X-Forwarded-For", Encoding.ASCII.GetBytes("203.0.113.1")),
                3 => ("Range", Encoding.ASCII.GetBytes(Pick(["bytes=0-1", "bytes=-5", "bytes=9-1", "bytes=abc", "bytes=0-0,1-1,2-2"]))),
                4 => ("Sec-WebSocket-Version", Encoding.ASCII.GetBytes("13")),
                5 => ("X-Fuzz", RandomBytes(0, 200, printable: false)),
                6 => ("X-Big", Encoding.ASCII.GetBytes(new string('b', _random.Next(100, 40_000)))),
                7 => ("If-Modified-Since", Encoding.ASCII.GetBytes("yesterday")),
                8 => ("Accept", Encoding.ASCII.GetBytes("*/*;q=banana")),
                _ => ("Expect", Encoding.ASCII.GetBytes("100-continue")),
            };
            headers.Add((name, value));
        }
    }

    private byte[]? Body(string method, string pattern)
    {
        var template = FuzzBodies.For(method, pattern);
        var roll = _random.NextDouble();
        if (template is null && roll < 0.8) return null;
        if (roll < 0.35 && template is not null) return Encoding.UTF8.GetBytes(template);
        if (roll < 0.8 && template is not null) return JsonMutator.Mutate(template, _random);
        return _random.Next(3) switch
        {
            0 => RandomBytes(0, 2_000, printable: false),
            1 => [],
            _ => Encoding.UTF8.GetBytes(JsonMutator.RandomJson(_random, 0)),
        };
    }

    /// <summary>Content-Length (right, or too short), or chunked (well-formed or broken).</summary>
    private byte[] Frame(List<(string, byte[])> headers, byte[] body)
    {
        switch (_random.Next(10))
        {
            case 0:
                headers.Add(("Transfer-Encoding", "chunked"u8.ToArray()));
                return [.. Encoding.ASCII.GetBytes($"{body.Length:X}\r\n"), .. body, .. "\r\n0\r\n\r\n"u8.ToArray()];
            case 1:
                headers.Add(("Transfer-Encoding", "chunked"u8.ToArray()));
                return [.. "zz\r\n"u8.ToArray(), .. body];
            case 2:
                headers.Add(("Content-Length", Encoding.ASCII.GetBytes(_random.Next(0, body.Length + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))));
                return body;
            default:
                headers.Add(("Content-Length", Encoding.ASCII.GetBytes(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                return body;
        }
    }

    private byte[] RandomBytes(int min, int max, bool printable)
    {
        var bytes = new byte[_random.Next(min, max)];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = printable ? (byte)_random.Next(0x20, 0x7F) : (byte)_random.Next(256);
        if (!printable) for (var i = 0; i < bytes.Length; i++) if (bytes[i] is (byte)'\r' or (byte)'\n') bytes[i] = (byte)'x';
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
