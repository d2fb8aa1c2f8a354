using DslSft.Data.Text;

namespace DslSft.Data.Ner;

/// <summary>
/// Streams sentences from a CoNLL-style NER file: one token per line, whitespace-separated columns with
/// the word first and the tag last (CoNLL-2003's four columns and MasakhaNER's two both fit), blank lines
/// between sentences, <c>-DOCSTART-</c> lines ignored. Tags must be O, B-TYPE or I-TYPE.
/// </summary>
public static class ConllNerReader
{
    public const string DocumentStart = "-DOCSTART-";

    public static IEnumerable<TaggedSentence> Read(string path, NerReadOptions? options = null)
    {
        options ??= new NerReadOptions();
        using var reader = new LineReader(path);
        var words = new List<string>();
        var tags = new List<string>();
        var lines = new List<long>();
        while (reader.ReadLine() is { } line)
        {
            bool docStart = line.StartsWith(DocumentStart, StringComparison.Ordinal);
            if (docStart || string.IsNullOrWhiteSpace(line))
            {
                if (words.Count > 0)
                {
                    yield return Finish(path, words, tags, lines, options);
                    (words, tags, lines) = (new(), new(), new());
                }
                continue;
            }
            var columns = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 2)
            {
                var hint = reader.LastLineUnterminated ? " (the file may be truncated)" : "";
                throw reader.Error($"expected a word and a tag separated by whitespace, found {columns.Length} column{(columns.Length == 1 ? "" : "s")}{hint}");
            }
            var tag = columns[^1];
            if (!NerTags.TryParse(tag, out _, out var type))
                throw reader.Error($"expected a tag O, B-TYPE or I-TYPE in the last column, found '{tag}'");
            if (options.TypeMapping is { } mapping && type.Length > 0 && mapping.TryGetValue(type, out var mapped))
                tag = mapped == NerTags.Outside ? NerTags.Outside : $"{tag[0]}-{mapped}";
            words.Add(columns[0]);
            tags.Add(tag);
            lines.Add(reader.LineNumber);
        }
        if (words.Count > 0) yield return Finish(path, words, tags, lines, options);
    }

    private static TaggedSentence Finish(string path, List<string> words, List<string> tags, List<long> lines, NerReadOptions options)
    {
        IReadOnlyList<string> labels = options.Scheme == TagScheme.Iob1 ? NerTags.ToIob2(tags) : tags;
        return new TaggedSentence(words, labels, path, lines);
    }
}
