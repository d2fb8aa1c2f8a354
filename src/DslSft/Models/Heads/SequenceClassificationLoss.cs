using static TorchSharp.torch;

namespace DslSft.Models.Heads;

/// <summary>HF's sequence-classification loss: mean squared error for one label (regression), cross-entropy otherwise.</summary>
internal static class SequenceClassificationLoss
{
    public static Tensor? Compute(Tensor logits, Tensor? labels)
    {
        if (labels is null) return null;
        if (logits.shape[^1] == 1) return nn.functional.mse_loss(logits.squeeze(-1), labels.to(logits.dtype));
        return nn.functional.cross_entropy(logits, labels.view(-1), ignore_index: -100);
    }
}
