using System.Text;
using Spectre.Console;

namespace RenderQueue.Cli.Output;

/// <summary>One cell of a table: its text and, on a terminal, its style (e.g. <c>green</c>).</summary>
internal readonly record struct Cell(string Text, string? Style = null)
{
    public static implicit operator Cell(string text) => new(text);
}

/// <summary>
/// Tables: boxed and coloured on a terminal; in a pipe, columns aligned with two spaces, an upper-case header and
/// no trailing blanks, so <c>awk</c>, <c>cut</c> and <c>grep</c> work on them.
/// </summary>
internal static class TableOutput
{
    public static void Write(CliContext cli, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<Cell>> rows, string? title = null)
    {
        if (cli.Host.OutputIsTerminal) cli.Console.Write(Build(headers, rows, title));
        else WritePlain(cli.Host.Out, headers, rows.ToList(), title);
    }

    /// <summary>A Spectre table (for live displays that redraw it).</summary>
    public static Table Build(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<Cell>> rows, string? title = null)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null) table.Title = new TableTitle(title, new Style(decoration: Decoration.Bold));
        foreach (var header in headers) table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        foreach (var row in rows)
            table.AddRow(row.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c.Text, c.Style is null ? Style.Plain : Style.Parse(c.Style))).ToArray());
        return table;
    }

    private static void WritePlain(TextWriter writer, IReadOnlyList<string> headers, List<IReadOnlyList<Cell>> rows, string? title)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Text.Length))).ToArray();
        var line = new StringBuilder();
        void Emit(IEnumerable<string> cells)
        {
            line.Clear();
            var i = 0;
            foreach (var cell in cells)
            {
                if (i > 0) line.Append("  ");
                line.Append(cell.PadRight(widths[i++]));
            }
            writer.WriteLine(line.ToString().TrimEnd());
        }
        if (title is not null) writer.WriteLine(title);
        Emit(headers.Select(h => h.ToUpperInvariant()));
        foreach (var row in rows) Emit(row.Select(c => c.Text));
        writer.Flush();
    }
}
