using System.Globalization;
using System.Text.Json;
using DslSft.Data.Text;

namespace DslSft.Data.Classification;

/// <summary>
/// Streams sentence-pair (NLI) or single-sentence classification examples from TSV (a header row naming
/// the columns, tab-separated, no quoting: XNLI's layout) or JSONL (one JSON object per line). The
/// format follows the file extension: <c>.jsonl</c>/<c>.json</c> is JSONL, anything else TSV.
/// </summary>
public static class SentencePairReader
{
    public static IEnumerable<SentencePairExample> Read(string path, SentencePairReadOptions? options = null)
    {
        options ??= new SentencePairReadOptions();
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        return extension is ".jsonl" or ".json" ? ReadJsonl(path, options) : ReadTsv(path, options);
    }

    private static IEnumerable<SentencePairExample> ReadTsv(string path, SentencePairReadOptions options)
    {
        using var reader = new LineReader(path);
        var header = reader.ReadLine() ?? throw new InvalidInputException("the file is empty (expected a header row naming the columns)", path, 1);
        var names = header.Split('\t');
        int premise = Find(names, options.PremiseNames);
        int hypothesis = Find(names, options.HypothesisNames);
        int label = Find(names, options.LabelNames);
        if (premise < 0)
            throw reader.Error($"expected a header row with a text column named one of: {string.Join(", ", options.PremiseNames)}; found: {string.Join(", ", names)}");
        if (hypothesis < 0 && options.RequireHypothesis)
            throw reader.Error($"expected a second-text column named one of: {string.Join(", ", options.HypothesisNames)}; found: {string.Join(", ", names)}");
        if (label < 0 && options.RequireLabel)
            throw reader.Error($"expected a label column named one of: {string.Join(", ", options.LabelNames)}; found: {string.Join(", ", names)}");
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var columns = line.Split('\t');
            if (columns.Length != names.Length)
            {
                var hint = reader.LastLineUnterminated ? " (the file may be truncated)" : "";
                throw reader.Error($"expected {names.Length} tab-separated columns (as in the header), found {columns.Length}{hint}");
            }
            var labelText = label >= 0 ? columns[label] : null;
            if (options.RequireLabel && string.IsNullOrEmpty(labelText))
                throw reader.Error($"expected a label in column '{names[label]}', found an empty field");
            yield return new SentencePairExample(columns[premise], hypothesis >= 0 ? columns[hypothesis] : null, labelText, path, reader.LineNumber);
        }
    }

    private static IEnumerable<SentencePairExample> ReadJsonl(string path, SentencePairReadOptions options)
    {
        using var reader = new LineReader(path);
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return ParseJsonLine(reader, line, options);
        }
    }

    private static SentencePairExample ParseJsonLine(LineReader reader, string line, SentencePairReadOptions options)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            var hint = reader.LastLineUnterminated ? " (the file may be truncated)" : "";
            throw new InvalidInputException($"expected one JSON object per line: {e.Message}{hint}", reader.Path, reader.LineNumber, e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw reader.Error($"expected a JSON object, found a {root.ValueKind.ToString().ToLowerInvariant()}");
            var premise = String(reader, root, options.PremiseNames, required: true)!;
            var hypothesis = String(reader, root, options.HypothesisNames, required: options.RequireHypothesis);
            var label = Label(reader, root, options);
            return new SentencePairExample(premise, hypothesis, label, reader.Path, reader.LineNumber);
        }
    }

    private static string? String(LineReader reader, JsonElement root, IReadOnlyList<string> names, bool required)
    {
        foreach (var name in names)
            if (root.TryGetProperty(name, out var value))
                return value.ValueKind == JsonValueKind.String
                    ? Text(reader, value, name)
                    : throw reader.Error($"expected field '{name}' to be a string, found a {value.ValueKind.ToString().ToLowerInvariant()}");
        return required ? throw reader.Error($"expected a field named one of: {string.Join(", ", names)}") : null;
    }

    private static string? Label(LineReader reader, JsonElement root, SentencePairReadOptions options)
    {
        foreach (var name in options.LabelNames)
        {
            if (!root.TryGetProperty(name, out var value)) continue;
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return Text(reader, value, name);
                case JsonValueKind.Number when value.TryGetInt32(out int id):
                    if (options.LabelNamesById is not { } byId) return id.ToString(CultureInfo.InvariantCulture);
                    return id >= 0 && id < byId.Count
                        ? byId[id]
                        : throw reader.Error($"label id {id} is out of range (expected 0..{byId.Count - 1} for labels {string.Join(", ", byId)})");
                default:
                    throw reader.Error($"expected field '{name}' to be a string or an integer label id, found a {value.ValueKind.ToString().ToLowerInvariant()}");
            }
        }
        return options.RequireLabel ? throw reader.Error($"expected a label field named one of: {string.Join(", ", options.LabelNames)}") : null;
    }

    /// <summary>A JSON string's text; an escape that is no text (a lone surrogate such as \ud800) is an input error.</summary>
    private static string Text(LineReader reader, JsonElement value, string name)
    {
        try { return value.GetString()!; }
        catch (InvalidOperationException) { throw reader.Error($"field '{name}' is not valid Unicode (an unpaired surrogate escape such as \\ud800?)"); }
    }

    private static int Find(string[] header, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            int index = Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
            if (index >= 0) return index;
        }
        return -1;
    }
}
