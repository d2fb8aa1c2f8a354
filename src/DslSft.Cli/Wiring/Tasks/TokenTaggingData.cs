using DslSft.Data;
using DslSft.Data.Conllu;
using DslSft.Data.Ner;
using DslSft.Models;
using DslSft.Tasks;
using DslSft.Tokenization;

namespace DslSft.Cli.Wiring.Tasks;

/// <summary>One tagged sentence encoded for a token-classification head. <see cref="GoldIds"/> is -1 for a tag the head does not know.</summary>
public sealed record TaggedExample(long[] InputIds, long[] TokenLabels, int[] FirstSubwords, int[] GoldIds, IReadOnlyList<string> GoldTags);

/// <summary>
/// Token tagging data for train-task and eval: POS (CoNLL-U UPOS; words tagged <c>_</c> dropped by the reader) or
/// NER (CoNLL token-per-line). The first subword of each word carries its label; sentences longer than
/// --max-length are dropped and counted, as composable-sft filters them.
/// </summary>
public static class TokenTaggingData
{
    /// <summary>The tagged sentences of <paramref name="path"/> for <paramref name="task"/> (pos or ner).</summary>
    public static IEnumerable<TaggedSentence> ReadSentences(TaskKind task, string path, NerReadOptions? nerOptions = null)
    {
        if (!File.Exists(path)) throw new InvalidInputException("data file not found", path);
        return task switch
        {
            TaskKind.Pos => ConlluReader.Read(path).Select(s => s.ToPosTagged()),
            TaskKind.Ner => ConllNerReader.Read(path, nerOptions),
            _ => throw new InvalidInputException($"task '{task.ToString().ToLowerInvariant()}' is not a token tagging task"),
        };
    }

    /// <summary>
    /// Encodes <paramref name="sentences"/>. With <paramref name="strictLabels"/> (training) a tag outside
    /// <paramref name="labels"/> is an error naming file and line; otherwise (evaluation) it simply cannot be predicted.
    /// </summary>
    public static (List<TaggedExample> Examples, int Dropped) Encode(IEnumerable<TaggedSentence> sentences, ITextTokenizer tokenizer,
        LabelVocabulary labels, int maxLength, bool strictLabels, int? limit = null)
    {
        var examples = new List<TaggedExample>();
        int dropped = 0;
        foreach (var tagged in sentences)
        {
            if (limit is { } max && examples.Count >= max) break;
            if (tagged.Words.Count == 0) continue;
            var gold = strictLabels ? tagged.LabelIds(labels) : tagged.Labels.Select(l => labels.TryGetId(l, out var id) ? id : -1).ToArray();
            var encoded = tokenizer.EncodeWords(tagged.Words);
            var first = FirstSubwords(encoded.WordIds!, tagged.Words.Count);
            if (encoded.Length > maxLength || first.Contains(-1)) { dropped++; continue; }
            var tokenLabels = encoded.AlignWordLabels(gold.Select(g => g < 0 ? TokenizedSequence.IgnoreLabel : g).ToArray());
            examples.Add(new TaggedExample(encoded.InputIds.Select(i => (long)i).ToArray(), tokenLabels, first, gold, tagged.Labels));
        }
        return (examples, dropped);
    }

    /// <summary>Pads a batch (labels with -100, so padding never counts in the loss).</summary>
    public static ModelBatch Collate(IReadOnlyList<TaggedExample> batch, long padId) =>
        new(BatchTensors.Pad(batch, e => e.InputIds, padId), BatchTensors.Mask(batch, e => e.InputIds))
        {
            Labels = BatchTensors.Pad(batch, e => e.TokenLabels, TokenizedSequence.IgnoreLabel),
        };

    /// <summary>The input position of each word's first subword; -1 for a word the tokenizer produced nothing for.</summary>
    internal static int[] FirstSubwords(int[] wordIds, int words)
    {
        var first = Enumerable.Repeat(-1, words).ToArray();
        for (int t = 0; t < wordIds.Length; t++)
            if (wordIds[t] >= 0 && first[wordIds[t]] < 0) first[wordIds[t]] = t;
        return first;
    }
}
