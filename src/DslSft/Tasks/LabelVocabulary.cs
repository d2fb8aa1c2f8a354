using System.Text.Json;

namespace DslSft.Tasks;

/// <summary>
/// An ordered label set: id ↔ label. Built from a fixed list (UD relations, UPOS), from the labels seen
/// in training data (sorted ordinally, <c>_</c> removed, as composable-sft does), or from a labels file
/// (one label per line, or a JSON array).
/// </summary>
public sealed class LabelVocabulary
{
    private readonly string[] _labels;
    private readonly Dictionary<string, int> _ids;

    public LabelVocabulary(IEnumerable<string> labels)
    {
        _labels = labels.ToArray();
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _labels.Length; i++)
            if (!_ids.TryAdd(_labels[i], i))
                throw new ArgumentException($"label '{_labels[i]}' appears twice in the label set", nameof(labels));
    }

    public int Count => _labels.Length;

    public IReadOnlyList<string> Labels => _labels;

    public string this[int id] => _labels[id];

    public bool Contains(string label) => _ids.ContainsKey(label);

    public bool TryGetId(string label, out int id) => _ids.TryGetValue(label, out id);

    /// <summary>The id of <paramref name="label"/>; an unknown label is an <see cref="InvalidInputException"/> at <paramref name="path"/>:<paramref name="line"/>.</summary>
    public int IdOf(string label, string? path = null, long? line = null) =>
        _ids.TryGetValue(label, out int id)
            ? id
            : throw new InvalidInputException($"unknown label '{label}' (expected one of: {Describe()})", path, line);

    /// <summary>The sorted set of labels seen in <paramref name="observed"/>, without <c>_</c> (composable-sft's <c>get_label_list</c>).</summary>
    public static LabelVocabulary Infer(IEnumerable<string> observed) =>
        new(observed.Where(l => l != "_").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>Reads a labels file: a JSON array of strings, or one label per line (blank lines ignored).</summary>
    public static LabelVocabulary Load(string path)
    {
        var text = IO.InputFile.ReadAllText(path, IO.InputFile.SmallFileLimit, "labels file");
        var labels = text.TrimStart().StartsWith('[') ? ParseJsonArray(text, path) : ParseLines(text, path);
        if (labels.Count == 0) throw new InvalidInputException("the labels file is empty (expected one label per line or a JSON array)", path);
        return Checked(labels, path);
    }

    /// <summary>
    /// A label set recorded as a JSON array of strings (an SFT's <c>labels</c> training argument); anything else, null
    /// entries, empty or repeated labels included, is an <see cref="InvalidInputException"/> at <paramref name="source"/>.
    /// </summary>
    public static LabelVocabulary FromJson(string json, string? source)
    {
        var labels = ParseJsonArray(json, source);
        if (labels.Count == 0) throw new InvalidInputException("the recorded label set is empty", source);
        return Checked(labels, source);
    }

    private static LabelVocabulary Checked(List<string?> labels, string? source)
    {
        int missing = labels.FindIndex(string.IsNullOrWhiteSpace);
        if (missing >= 0) throw new InvalidInputException($"label {missing} is {(labels[missing] is null ? "null" : "empty")}; labels must be non-empty strings", source);
        var duplicate = labels.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidInputException($"label '{duplicate.Key}' appears more than once", source);
        return new LabelVocabulary(labels!);
    }

    /// <summary>The labels as a JSON array (the format <see cref="Load"/> reads).</summary>
    public string ToJson() => JsonSerializer.Serialize(_labels);

    private string Describe() => _labels.Length <= 40 ? string.Join(", ", _labels) : string.Join(", ", _labels.Take(40)) + $", ... ({_labels.Length} in all)";

    private static List<string?> ParseJsonArray(string text, string? path)
    {
        try
        {
            return JsonSerializer.Deserialize<List<string?>>(text) ?? throw new InvalidInputException("expected a JSON array of label strings, found null", path);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escape that is no text, such as a lone surrogate.
            throw new InvalidInputException($"expected a JSON array of label strings: {e.Message}", path, (e as JsonException)?.LineNumber + 1, e);
        }
    }

    private static List<string?> ParseLines(string text, string path) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList<string?>();
}
