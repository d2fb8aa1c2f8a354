using DslSft.Models;

namespace DslSft.Engine;

/// <summary>
/// The MLM decoder surgery composable-sft's run_mlm.py does before a language SFT is trained, in one place for every
/// caller (train-lang, the experiments, the MLM head warm-up, the demo). With <c>--freeze_decoder</c> (the default of
/// every composable-sft script) the decoder becomes a frozen copy of the pre-trained word embeddings: the embeddings
/// then get gradients from the input side only, instead of the output softmax's gradient into every row, which would
/// otherwise make top-K pick word embeddings almost exclusively. With <c>--untie_embeddings</c> the copy trains as
/// a dense head. Neither leaves the decoder tied.
/// </summary>
public static class DecoderSurgery
{
    /// <summary>Unties the decoder of a masked-LM <paramref name="model"/> as <paramref name="policy"/> asks; other models are left alone.</summary>
    /// <returns>True when the decoder was untied.</returns>
    public static bool Apply(ITransformerModel model, MaskingPolicy policy)
    {
        if (model is not IMaskedLanguageModel mlm || !mlm.DecoderIsTied) return false;
        if (policy.FreezeDecoder) mlm.UntieDecoder(freeze: true);
        else if (policy.UntieEmbeddings) mlm.UntieDecoder(freeze: false);
        else return false;
        return true;
    }

    /// <summary>
    /// Before SFTs are applied to a masked-LM for use (compose, export, MLM evaluation): when any of them was trained with
    /// the decoder frozen, the decoder is untied first, so that it stays at the base model's values as it did in training
    /// instead of following the word-embedding diff.
    /// </summary>
    /// <returns>True when the decoder was untied.</returns>
    public static bool ForApplying(ITransformerModel model, IEnumerable<Sft.SparseFineTuning> sfts) =>
        sfts.Any(s => s.Metadata.TrainingArguments.TryGetValue("freeze_decoder", out var frozen) && bool.TryParse(frozen, out var yes) && yes)
        && Apply(model, new MaskingPolicy { FreezeDecoder = true });
}
