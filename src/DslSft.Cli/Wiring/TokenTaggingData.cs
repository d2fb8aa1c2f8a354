using DslSft.Data;
using DslSft.Data.Conllu;
using DslSft.Data.Ner;
using DslSft.Models;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;
using DslSft.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Cli.Wiring;

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
    public static ModelBatch Collate(IReadOnlyList<TaggedExample> batch, long padId)
    {
        int length = batch.Max(e => e.InputIds.Length);
        var ids = new long[batch.Count * length];
        var mask = new long[batch.Count * length];
        var labels = new long[batch.Count * length];
        Array.Fill(ids, padId);
        Array.Fill(labels, TokenizedSequence.IgnoreLabel);
        for (int b = 0; b < batch.Count; b++)
        {
            var e = batch[b];
            Array.Copy(e.InputIds, 0, ids, b * length, e.InputIds.Length);
            Array.Copy(e.TokenLabels, 0, labels, b * length, e.TokenLabels.Length);
            Array.Fill(mask, 1L, b * length, e.InputIds.Length);
        }
        long[] shape = [batch.Count, length];
        return new ModelBatch(tensor(ids).reshape(shape), tensor(mask).reshape(shape)) { Labels = tensor(labels).reshape(shape) };
    }

    /// <summary>
    /// Scores <paramref name="model"/> (eval mode, no gradients) on <paramref name="examples"/>: word accuracy for POS,
    /// seqeval span P/R/F1 for NER.
    /// </summary>
    public static EvaluationResult Evaluate(TaskKind task, ITransformerModel model, IReadOnlyList<TaggedExample> examples, LabelVocabulary labels,
        long padId, int batchSize, Action<long, long>? progress = null, CancellationToken cancel = default)
    {
        var pos = new PosEvaluator();
        var ner = new NerEvaluator(labels);
        var module = (nn.Module)model;
        bool wasTraining = module.training;
        module.eval();
        try
        {
            using var noGrad = no_grad();
            for (int start = 0; start < examples.Count; start += batchSize)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = examples.Skip(start).Take(batchSize).ToList();
                var output = model.Forward(Collate(batch, padId) with { Labels = null });
                var logits = output.Logits.to(CPU).contiguous();
                long length = logits.shape[1], classes = logits.shape[2];
                if (classes != labels.Count) throw new InvalidInputException($"the model's head has {classes} labels but the task has {labels.Count}");
                var values = logits.data<float>().ToArray();
                for (int b = 0; b < batch.Count; b++)
                {
                    var span = values.AsSpan((int)(b * length * classes), (int)(length * classes));
                    if (task == TaskKind.Ner) ner.Add(batch[b].GoldTags, span, batch[b].FirstSubwords);
                    else pos.Add(batch[b].GoldIds, span, labels.Count, batch[b].FirstSubwords);
                }
                progress?.Invoke(Math.Min(start + batchSize, examples.Count), examples.Count);
            }
        }
        finally
        {
            if (wasTraining) module.train();
        }
        return task == TaskKind.Ner ? ner.Result() : pos.Result();
    }

    private static int[] FirstSubwords(int[] wordIds, int words)
    {
        var first = Enumerable.Repeat(-1, words).ToArray();
        for (int t = 0; t < wordIds.Length; t++)
            if (wordIds[t] >= 0 && first[wordIds[t]] < 0) first[wordIds[t]] = t;
        return first;
    }
}
