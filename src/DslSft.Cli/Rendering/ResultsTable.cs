using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DslSft.Tasks.Evaluation;
using Spectre.Console;

namespace DslSft.Cli.Rendering;

/// <summary>
/// A results table rendered three ways from one model: a Spectre table for the terminal, Markdown for
/// reports and docs, and JSON for machines (an array of row objects keyed by column name, numbers as
/// numbers). Cells are strings, integers or fractions; fractions show as percentages with two decimals
/// in the human formats and stay fractions in JSON.
/// </summary>
public sealed class ResultsTable
{
    private readonly List<object?[]> _rows = new();

    public ResultsTable(string title, params string[] columns)
    {
        if (columns.Length == 0) throw new ArgumentException("a table needs at least one column", nameof(columns));
        Title = title;
        Columns = columns;
    }

    public string Title { get; }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<IReadOnlyList<object?>> Rows => _rows;

    /// <summary>Adds a row: string, integer, <see cref="Fraction"/> or double cells (null renders empty).</summary>
    public ResultsTable AddRow(params object?[] cells)
    {
        if (cells.Length != Columns.Count) throw new ArgumentException($"row has {cells.Length} cells, the table has {Columns.Count} columns", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    /// <summary>One row per evaluation: a label column, the example count, then each metric (the metric names of the first result).</summary>
    public static ResultsTable FromEvaluations(string title, string labelColumn, IReadOnlyList<(string Label, EvaluationResult Result)> results)
    {
        if (results.Count == 0) throw new ArgumentException("no results", nameof(results));
        var metricNames = results[0].Result.Metrics.Select(m => m.Name).ToArray();
        var table = new ResultsTable(title, [labelColumn, "examples", .. metricNames]);
        foreach (var (label, result) in results)
        {
            var cells = new List<object?> { label, result.Examples };
            foreach (var name in metricNames)
            {
                var metric = result.Metrics.FirstOrDefault(m => m.Name == name);
                cells.Add(metric is null ? null : metric.IsFraction ? new Fraction(metric.Value) : metric.Value);
            }
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    public Table ToSpectre()
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(Title)), Border = TableBorder.Rounded };
        for (int c = 0; c < Columns.Count; c++)
        {
            var column = new TableColumn(Markup.Escape(Columns[c]));
            if (_rows.Count > 0 && IsNumeric(_rows[0][c])) column.RightAligned();
            table.AddColumn(column);
        }
        foreach (var row in _rows) table.AddRow(row.Select(cell => (Spectre.Console.Rendering.IRenderable)new Text(Format(cell))).ToArray());
        return table;
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        if (Title.Length > 0) text.Append("**").Append(Title).Append("**\n\n");
        text.Append("| ").Append(string.Join(" | ", Columns.Select(EscapeMarkdown))).Append(" |\n");
        text.Append('|');
        for (int c = 0; c < Columns.Count; c++)
            text.Append(_rows.Count > 0 && IsNumeric(_rows[0][c]) ? " ---: |" : " --- |");
        text.Append('\n');
        foreach (var row in _rows)
            text.Append("| ").Append(string.Join(" | ", row.Select(cell => EscapeMarkdown(Format(cell))))).Append(" |\n");
        return text.ToString();
    }

    public JsonObject ToJson()
    {
        var rows = new JsonArray();
        foreach (var row in _rows)
        {
            var obj = new JsonObject();
            for (int c = 0; c < Columns.Count; c++) obj[Columns[c]] = ToJsonValue(row[c]);
            rows.Add(obj);
        }
        return new JsonObject { ["title"] = Title, ["rows"] = rows };
    }

    /// <summary>The human-readable text of a cell.</summary>
    public static string Format(object? cell) => cell switch
    {
        null => "",
        Fraction f => (f.Value * 100).ToString("F2", CultureInfo.InvariantCulture),
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    private static JsonNode? ToJsonValue(object? cell) => cell switch
    {
        null => null,
        Fraction f => JsonValue.Create(f.Value),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        bool b => JsonValue.Create(b),
        _ => JsonValue.Create(Format(cell)),
    };

    private static bool IsNumeric(object? cell) => cell is Fraction or int or long or double or float;

    private static string EscapeMarkdown(string text) => text.Replace("|", "\\|");
}

/// <summary>A value in [0, 1] shown as a percentage (metrics such as accuracy or F1).</summary>
public readonly record struct Fraction(double Value);
