using DslSft.Data.Ner;
using DslSft.Data.Text;

namespace DslSft.Data.Inspection;

/// <summary>The data file layouts DslSft reads, with their command-line names.</summary>
public enum DataFormat
{
    /// <summary>CoNLL-U treebank (POS, parsing, raw sentences).</summary>
    Conllu,
    /// <summary>CoNLL-style NER: token ... tag per line.</summary>
    Ner,
    /// <summary>Sentence (pair) classification: TSV with a header, or JSONL.</summary>
    Pairs,
    /// <summary>SQuAD-format JSON.</summary>
    Squad,
    /// <summary>Raw text, one sentence or document per line.</summary>
    Text,
}

public static class DataFormats
{
    public static IReadOnlyList<string> Names { get; } = ["conllu", "ner", "pairs", "squad", "text"];

    public static DataFormat Parse(string name) => name.ToLowerInvariant() switch
    {
        "conllu" => DataFormat.Conllu,
        "ner" or "conll" => DataFormat.Ner,
        "pairs" or "nli" or "tsv" or "jsonl" => DataFormat.Pairs,
        "squad" or "qa" => DataFormat.Squad,
        "text" or "txt" => DataFormat.Text,
        _ => throw new InvalidInputException($"unknown data format '{name}' (expected one of: {string.Join(", ", Names)})"),
    };

    public static string Name(this DataFormat format) => Names[(int)format];

    /// <summary>
    /// Guesses the format from the extension (.conllu, .json, .jsonl, .tsv), else from the first
    /// non-blank lines: "word ... O/B-X/I-X" lines mean NER, anything else is raw text.
    /// </summary>
    public static DataFormat Detect(string path)
    {
        switch (System.IO.Path.GetExtension(path).ToLowerInvariant())
        {
            case ".conllu": return DataFormat.Conllu;
            case ".json": return DataFormat.Squad;
            case ".jsonl" or ".tsv": return DataFormat.Pairs;
        }
        using var reader = new LineReader(path);
        int seen = 0, tagged = 0;
        while (seen < 20 && reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith(ConllNerReader.DocumentStart, StringComparison.Ordinal)) continue;
            seen++;
            var columns = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length >= 2 && NerTags.TryParse(columns[^1], out _, out _)) tagged++;
        }
        return seen > 0 && tagged == seen ? DataFormat.Ner : DataFormat.Text;
    }
}
