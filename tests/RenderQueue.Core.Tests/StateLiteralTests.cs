using System.Text.RegularExpressions;
using RenderQueue.Core.Jobs;
using RenderQueue.Processes;

namespace RenderQueue.Core.Tests;

/// <summary>
/// Stores ask the named state sets (<c>JobStates</c>, rendered into SQL and Lua), never a state number or a
/// hand-written list of names, so adding a state cannot miss a query. These read the sources to keep it so.
/// </summary>
public sealed class StateLiteralTests
{
    private static readonly string StateName = $"(?:{string.Join('|', JobStates.All.Select(s => s.ToWire()))})";

    // SQL in C#: `state = 1`, `state >= 3`, `state > 0`, `state IN (3, 4, 5)`.
    private static readonly Regex SqlLiteral = new(@"\bstate\s*(?:=|==|!=|<>|<=?|>=?)\s*\d|\bstate\s+(?:NOT\s+)?IN\s*\(\s*\d", RegexOptions.IgnoreCase);

    // Lua: a number compared with a state, one variable tested against two state names (a set spelled out), or a
    // table of state names (`STATES = { 'scheduled', …`, `FINISHED = { succeeded = true, …`).
    private static readonly Regex LuaLiteral = new(
        $@"\bstate\b\s*(?:==|~=|<=?|>=?)\s*\d|tonumber\(\s*[\w.]*state[\w.]*\s*\)\s*(?:==|~=|<|>)"
        + $@"|([\w.]+)\s*([=~]=)\s*'{StateName}'\s*(?:or|and)\s*\1\s*\2\s*'{StateName}'"
        + $@"|=\s*\{{\s*\[?'?{StateName}\b");

    [Theory]
    [InlineData("CREATE INDEX ix_jobs_finished ON jobs(finished_at) WHERE state >= 3;")]
    [InlineData("\"SELECT seq FROM jobs WHERE state = 0 AND run_at <= $1 ORDER BY run_at LIMIT $2\"")]
    [InlineData("const string Finished = \"SELECT id FROM webhook_deliveries WHERE state > 0 AND finished_at < $1\";")]
    [InlineData("SELECT id FROM jobs WHERE state IN (3, 4, 5)")]
    public void The_SQL_pattern_finds_what_the_stores_used_to_say(string line) => Assert.Matches(SqlLiteral, line);

    [Theory]
    [InlineData("local FINISHED = { succeeded = true, failed = true, canceled = true }")]
    [InlineData("local STATES = { 'scheduled', 'queued', 'running', 'succeeded', 'failed', 'canceled' }")]
    [InlineData("if prev == 'scheduled' or prev == 'queued' then")]
    [InlineData("if prev ~= 'failed' and prev ~= 'canceled' then return state_conflict(j) end")]
    [InlineData("if present(j, 'error') and (j.state == 'failed' or j.state == 'scheduled' or j.state == 'queued') then")]
    [InlineData("if tonumber(j.state) < 3 then")]
    public void The_Lua_pattern_finds_what_the_scripts_used_to_say(string line) => Assert.Matches(LuaLiteral, line);

    [Fact]
    public void No_SQL_in_the_sources_compares_a_state_with_a_number() =>
        AssertNone(SqlLiteral, Directory.EnumerateFiles(Repository.PathOf("src"), "*.cs", SearchOption.AllDirectories));

    [Fact]
    public void No_Lua_script_spells_out_a_state_set_or_number()
    {
        var scripts = Directory.GetFiles(Repository.PathOf("src", "RenderQueue.Storage.Redis", "Scripts"), "*.lua");
        Assert.NotEmpty(scripts);
        AssertNone(LuaLiteral, scripts);
    }

    private static void AssertNone(Regex pattern, IEnumerable<string> files)
    {
        var found = files
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, number: i + 1)))
            .Where(x => pattern.IsMatch(x.line))
            .Select(x => $"{Path.GetFileName(x.file)}:{x.number}: {x.line.Trim()}")
            .ToList();
        Assert.True(found.Count == 0, "State literals (use the named sets in JobStates):\n" + string.Join('\n', found));
    }
}
