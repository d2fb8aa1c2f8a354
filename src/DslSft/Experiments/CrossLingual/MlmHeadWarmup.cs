using DslSft.Models;
using DslSft.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Experiments.CrossLingual;

/// <summary>
/// Gives a base model that ships without a masked-LM head (sentence encoders such as all-MiniLM-L6-v2 keep only the
/// encoder) a trained one before any language SFT is made from it. Only the head learns (transform, LayerNorm and
/// decoder bias; the decoder stays tied to the frozen word embeddings), on source-language text, so the encoder is
/// exactly the pretrained one. Without this, a language SFT's first hundreds of updates push the encoder through a
/// random head, and with short budgets that is most of what it learns. composable-sft starts from mBERT/XLM-R, whose
/// pretrained MLM heads make this unnecessary there.
/// </summary>
public static class MlmHeadWarmup
{
    /// <summary>True when the checkpoint lacked some of the model's dense-head tensors (they were freshly initialised).</summary>
    public static bool IsNeeded(LoadedModel loaded)
    {
        var heads = ParameterTable.Build(loaded.Model).WithRole(ParameterRole.DenseHead).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        return loaded.Report.Missing.Any(heads.Contains);
    }

    /// <summary>Trains the dense-head parameters of <paramref name="model"/> for <paramref name="steps"/> AdamW updates; returns their values.</summary>
    public static Dictionary<string, Tensor> Train(ITransformerModel model, ITrainingData<ModelBatch> data, long steps, double learningRate, Action<string> log, out double finalLoss)
    {
        // The decoder is the frozen pre-trained embeddings, as in the language runs that start from this head.
        DslSft.Engine.DecoderSurgery.Apply(model, new DslSft.Engine.MaskingPolicy { FreezeDecoder = true });
        var table = ParameterTable.Build(model);
        var head = table.WithRole(ParameterRole.DenseHead).ToList();
        foreach (var entry in table) entry.Tensor.requires_grad_(entry.Role == ParameterRole.DenseHead);
        var optimizer = optim.AdamW(head.Select(e => e.Tensor), lr: learningRate, weight_decay: 0);
        model.Module.train();
        long step = 0;
        double firstLoss = double.NaN, lastLoss = double.NaN;
        for (int epoch = 0; step < steps; epoch++)
            foreach (var batch in data.Epoch(epoch))
            {
                if (step >= steps) break;
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = model.Forward(batch).Loss!;
                loss.backward();
                nn.utils.clip_grad_norm_(head.Select(e => e.Tensor), 1.0);
                optimizer.step();
                lastLoss = loss.item<float>();
                if (step == 0) firstLoss = lastLoss;
                step++;
            }
        finalLoss = lastLoss;
        log($"MLM head warm-up: {steps} updates of {head.Count} head tensors, loss {firstLoss:F3} → {lastLoss:F3}");
        using var noGrad = no_grad();
        return head.ToDictionary(e => e.Name, e => e.Tensor.detach().clone());
    }

    /// <summary>Copies warmed-up head values into a freshly loaded model of the same architecture.</summary>
    public static void Apply(ITransformerModel model, IReadOnlyDictionary<string, Tensor> head)
    {
        using var noGrad = no_grad();
        foreach (var entry in ParameterTable.Build(model).WithRole(ParameterRole.DenseHead))
            entry.Tensor.copy_(head.TryGetValue(entry.Name, out var value)
                ? value
                : throw new InvalidOperationException($"the warmed-up MLM head has no tensor '{entry.Name}'"));
    }
}
