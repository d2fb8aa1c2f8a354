using DslSft.Data.Conllu;
using DslSft.Models;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;
using DslSft.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Cli.Wiring;

/// <summary>One POS-tagged sentence encoded for a token-classification head.</summary>
public sealed record PosExample(long[] InputIds, long[] TokenLabels, int[] FirstSubwords, int[] GoldTags);

/// <summary>
/// POS tagging data for train-task and eval: CoNLL-U UPOS tags (words tagged <c>_</c> dropped by the reader), the
/// first subword of each word labelled, sentences longer than --max-length dropped and counted (as composable-sft filters them).
/// </summary>
public static class PosData
{
    public static (List<PosExample> Examples, int Dropped) Read(string path, ITextTokenizer tokenizer, LabelVocabulary labels, int maxLength)
    {
        if (!File.Exists(path)) throw new InvalidInputException("CoNLL-U file not found", path);
        var examples = new List<PosExample>();
        int dropped = 0;
        foreach (var sentence in ConlluReader.Read(path))
        {
            var tagged = sentence.ToPosTagged();
            if (tagged.Words.Count == 0) continue;
            var gold = tagged.LabelIds(labels);
            var encoded = tokenizer.EncodeWords(tagged.Words);
            var first = FirstSubwords(encoded.WordIds!, tagged.Words.Count);
            if (encoded.Length > maxLength || first.Contains(-1)) { dropped++; continue; }
            examples.Add(new PosExample(encoded.InputIds.Select(i => (long)i).ToArray(), encoded.AlignWordLabels(gold), first, gold));
        }
        return (examples, dropped);
    }

    /// <summary>Pads a batch (labels with -100, so padding never counts in the loss).</summary>
    public static ModelBatch Collate(IReadOnlyList<PosExample> batch, long padId)
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

    /// <summary>Word accuracy of <paramref name="model"/> (eval mode, no gradients) on <paramref name="examples"/>.</summary>
    public static EvaluationResult Evaluate(ITransformerModel model, IReadOnlyList<PosExample> examples, long padId, int labelCount, int batchSize,
        Action<long, long>? progress = null, CancellationToken cancel = default)
    {
        var evaluator = new PosEvaluator();
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
                if (classes != labelCount) throw new InvalidInputException($"the model's head has {classes} labels but the task has {labelCount}");
                var values = logits.data<float>().ToArray();
                for (int b = 0; b < batch.Count; b++)
                {
                    var span = values.AsSpan((int)(b * length * classes), (int)(length * classes));
                    evaluator.Add(batch[b].GoldTags, span, labelCount, batch[b].FirstSubwords);
                }
                progress?.Invoke(Math.Min(start + batchSize, examples.Count), examples.Count);
            }
        }
        finally
        {
            if (wasTraining) module.train();
        }
        return evaluator.Result();
    }

    private static int[] FirstSubwords(int[] wordIds, int words)
    {
        var first = Enumerable.Repeat(-1, words).ToArray();
        for (int t = 0; t < wordIds.Length; t++)
            if (wordIds[t] >= 0 && first[wordIds[t]] < 0) first[wordIds[t]] = t;
        return first;
    }
}
