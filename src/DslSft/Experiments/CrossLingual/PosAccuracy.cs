using DslSft.Models;
using DslSft.Tokenization;
using static TorchSharp.torch;

namespace DslSft.Experiments.CrossLingual;

/// <summary>Word-level UPOS accuracy (argmax tag at each word's first subword), composable-sft's POS metric.</summary>
public static class PosAccuracy
{
    public static double Evaluate(ITransformerModel model, IReadOnlyList<PosExample> examples, int padTokenId, int batchSize = 64)
    {
        long correct = 0, total = 0;
        var module = model.Module;
        bool wasTraining = module.training;
        module.eval();
        try
        {
            using var noGrad = no_grad();
            // Sorting by length keeps padding (and time) small; the order does not change the count.
            var ordered = examples.OrderBy(e => e.Sequence.Length).ToList();
            for (int start = 0; start < ordered.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var chunk = ordered.GetRange(start, Math.Min(batchSize, ordered.Count - start));
                var batch = TransferCorpus.PosBatch(chunk, padTokenId);
                var labels = batch.Labels!;
                var predicted = model.Forward(batch with { Labels = null }).Logits.argmax(-1);
                var scored = labels.ne(TokenizedSequence.IgnoreLabel);
                correct += predicted.eq(labels).logical_and(scored).sum().item<long>();
                total += scored.sum().item<long>();
            }
        }
        finally
        {
            module.train(wasTraining);
        }
        return total == 0 ? 0 : (double)correct / total;
    }
}
