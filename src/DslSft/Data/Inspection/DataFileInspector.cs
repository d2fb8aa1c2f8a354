using DslSft.Data.Classification;
using DslSft.Data.Conllu;
using DslSft.Data.Ner;
using DslSft.Data.Qa;
using DslSft.Data.Text;
using DslSft.Metrics;

namespace DslSft.Data.Inspection;

/// <summary>
/// Reads a whole data file with the reader for its format (so every check the readers make is applied)
/// and summarises it. The first error stops the scan with an <see cref="InvalidInputException"/> naming
/// the file and line.
/// </summary>
public static class DataFileInspector
{
    public static DataFileSummary Inspect(string path, DataFormat? format = null, NerReadOptions? nerOptions = null)
    {
        if (!File.Exists(path)) throw new InvalidInputException(Directory.Exists(path) ? "is a directory, expected a data file" : "file not found", path);
        var actual = format ?? DataFormats.Detect(path);
        return actual switch
        {
            DataFormat.Conllu => Conllu(path),
            DataFormat.Ner => Ner(path, nerOptions ?? new NerReadOptions()),
            DataFormat.Pairs => Pairs(path),
            DataFormat.Squad => Squad(path),
            _ => RawText(path),
        };
    }

    private static DataFileSummary Conllu(string path)
    {
        long sentences = 0, words = 0, withText = 0, noHead = 0;
        var upos = new Dictionary<string, long>(StringComparer.Ordinal);
        var relations = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sentence in ConlluReader.Read(path))
        {
            sentences++;
            if (sentence.Text is not null) withText++;
            foreach (var token in sentence.Tokens)
            {
                words++;
                Count(upos, token.Upos);
                if (token.Head is null) noHead++;
                else Count(relations, token.BaseDeprel);
            }
        }
        return new DataFileSummary(path, DataFormat.Conllu,
            [("sentences", sentences), ("words", words), ("sentences_with_text", withText), ("words_without_head", noHead)],
            [("upos", Sorted(upos)), ("deprel", Sorted(relations))]);
    }

    private static DataFileSummary Ner(string path, NerReadOptions options)
    {
        long sentences = 0, tokens = 0;
        var tags = new Dictionary<string, long>(StringComparer.Ordinal);
        var entities = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sentence in ConllNerReader.Read(path, options))
        {
            sentences++;
            tokens += sentence.Words.Count;
            foreach (var tag in sentence.Labels) Count(tags, tag);
            foreach (var span in EntityChunker.Chunks(sentence.Labels)) Count(entities, span.Type);
        }
        return new DataFileSummary(path, DataFormat.Ner,
            [("sentences", sentences), ("tokens", tokens), ("entities", entities.Values.Sum())],
            [("tag", Sorted(tags)), ("entity_type", Sorted(entities))]);
    }

    private static DataFileSummary Pairs(string path)
    {
        long examples = 0, pairs = 0;
        var labels = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var example in SentencePairReader.Read(path))
        {
            examples++;
            if (example.Hypothesis is not null) pairs++;
            Count(labels, example.Label ?? "(none)");
        }
        return new DataFileSummary(path, DataFormat.Pairs,
            [("examples", examples), ("sentence_pairs", pairs), ("labels", labels.Count)],
            [("label", Sorted(labels))]);
    }

    private static DataFileSummary Squad(string path)
    {
        var examples = SquadReader.Read(path);
        long answers = examples.Sum(e => (long)e.Answers.Count);
        long impossible = examples.Count(e => e.IsImpossible || e.Answers.Count == 0);
        long contexts = examples.Select(e => e.Context).Distinct().LongCount();
        long articles = examples.Select(e => e.Title).Distinct().LongCount();
        return new DataFileSummary(path, DataFormat.Squad,
            [("articles", articles), ("contexts", contexts), ("questions", examples.Count), ("answers", answers), ("unanswerable", impossible)],
            []);
    }

    private static DataFileSummary RawText(string path)
    {
        long lines = 0, characters = 0, words = 0;
        foreach (var line in RawTextReader.Read(path))
        {
            lines++;
            characters += line.Length;
            words += line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        }
        return new DataFileSummary(path, DataFormat.Text, [("lines", lines), ("words", words), ("characters", characters)], []);
    }

    private static void Count(Dictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static IReadOnlyList<(string, long)> Sorted(Dictionary<string, long> counts) =>
        counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToList();
}
