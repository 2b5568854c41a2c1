using System.Text;
using System.Text.RegularExpressions;
using RenderQueue.Worker.Runtime.Runners;

namespace RenderQueue.Worker.Command;

/// <summary>
/// A command line from the worker's configuration, split into arguments once, with <c>{placeholders}</c> filled per
/// job. Values never pass through a shell and never split: each placeholder lands inside exactly one argument.
/// </summary>
internal sealed partial class CommandTemplate
{
    /// <summary>Placeholders the runner fills itself.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal) { "out", "job_id", "attempt" };

    private readonly IReadOnlyList<IReadOnlyList<Segment>> _arguments;

    private CommandTemplate(string program, IReadOnlyList<IReadOnlyList<Segment>> arguments)
    {
        Program = program;
        _arguments = arguments;
        Placeholders = arguments.SelectMany(a => a).Where(s => s.IsPlaceholder).Select(s => s.Text).ToHashSet(StringComparer.Ordinal);
    }

    public string Program { get; }

    /// <summary>Every placeholder the arguments use.</summary>
    public IReadOnlySet<string> Placeholders { get; }

    /// <summary>Splits and checks a template; throws <see cref="FormatException"/> naming the problem.</summary>
    public static CommandTemplate Parse(string template)
    {
        var words = Split(template);
        if (words.Count == 0) throw new FormatException("The template is empty.");
        var parsed = words.Select(ParseWord).ToList();
        if (parsed[0].Any(s => s.IsPlaceholder)) throw new FormatException("The program (first word) cannot be a placeholder.");
        return new CommandTemplate(string.Concat(parsed[0].Select(s => s.Text)), parsed.Skip(1).ToList());
    }

    /// <summary>The arguments for one job; unknown or unused payload fields are the payload's fault (<c>invalid_input</c>).</summary>
    public IReadOnlyList<string> Expand(IReadOnlyDictionary<string, string> args, IReadOnlyDictionary<string, string> reserved)
    {
        foreach (var name in args.Keys)
        {
            if (Reserved.Contains(name)) throw JobFailedException.InvalidInput($"'{name}' is filled in by the worker and cannot be given in args.");
            if (!Placeholders.Contains(name))
                throw JobFailedException.InvalidInput($"The command has no {{{name}}} placeholder; it takes: {Describe(Placeholders.Except(Reserved))}.");
        }
        var missing = Placeholders.Where(p => !Reserved.Contains(p) && !args.ContainsKey(p)).ToList();
        if (missing.Count > 0) throw JobFailedException.InvalidInput($"The payload's args lack {Describe(missing)}, which the command needs.");

        return _arguments.Select(word => string.Concat(word.Select(segment => !segment.IsPlaceholder
            ? segment.Text
            : args.TryGetValue(segment.Text, out var value) ? value : reserved[segment.Text]))).ToList();
    }

    private static string Describe(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.Ordinal).Select(n => $"'{n}'").ToList();
        return list.Count == 0 ? "nothing" : string.Join(", ", list);
    }

    /// <summary>Shell-like word splitting: whitespace separates; '…' is literal; "…" allows \" and \\; \x outside quotes is x.</summary>
    private static List<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }
            inWord = true;
            switch (c)
            {
                case '\'':
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0) throw new FormatException("A single quote is not closed.");
                    word.Append(text, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    for (i++; ; i++)
                    {
                        if (i >= text.Length) throw new FormatException("A double quote is not closed.");
                        if (text[i] == '"') break;
                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\') i++;
                        word.Append(text[i]);
                    }
                    break;
                case '\\' when i + 1 < text.Length:
                    word.Append(text[++i]);
                    break;
                default:
                    word.Append(c);
                    break;
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    private static List<Segment> ParseWord(string word)
    {
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        for (var i = 0; i < word.Length; i++)
        {
            if (word[i] == '{' && i + 1 < word.Length && word[i + 1] == '{') { literal.Append('{'); i++; continue; }
            if (word[i] == '}' && i + 1 < word.Length && word[i + 1] == '}') { literal.Append('}'); i++; continue; }
            if (word[i] == '}') throw new FormatException($"Unmatched '}}' in '{word}' (write '}}}}' for a literal brace).");
            if (word[i] != '{') { literal.Append(word[i]); continue; }
            var end = word.IndexOf('}', i + 1);
            if (end < 0) throw new FormatException($"Unclosed '{{' in '{word}' (write '{{{{' for a literal brace).");
            var name = word[(i + 1)..end];
            if (!PlaceholderName().IsMatch(name)) throw new FormatException($"'{{{name}}}' is not a placeholder name (letters, digits, _).");
            if (literal.Length > 0) segments.Add(new Segment(literal.ToString(), false));
            literal.Clear();
            segments.Add(new Segment(name, true));
            i = end;
        }
        if (literal.Length > 0 || segments.Count == 0) segments.Add(new Segment(literal.ToString(), false));
        return segments;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex PlaceholderName();

    private readonly record struct Segment(string Text, bool IsPlaceholder);
}
