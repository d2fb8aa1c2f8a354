using DslSft.Dsl.Models;
using DslSft.Models.SampledGradients;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Models.Transformer;

/// <summary>Word + token-type + position embeddings, LayerNorm, dropout (HF BertEmbeddings / RobertaEmbeddings).</summary>
[Model(typeof(TransformerConfig))]
public sealed partial class BertEmbeddings : nn.Module<Tensor, Tensor?, Tensor?, Tensor>
{
    [Embedding("word_embeddings", "vocab_size", "hidden_size")] public partial Embedding WordEmbeddings { get; }
    [Embedding("position_embeddings", "max_position_embeddings", "hidden_size")] public partial Embedding PositionEmbeddings { get; }
    [Embedding("token_type_embeddings", "type_vocab_size", "hidden_size")] public partial Embedding TokenTypeEmbeddings { get; }
    [LayerNorm("LayerNorm", "hidden_size", "layer_norm_eps")] public partial LayerNorm LayerNorm { get; }

    /// <param name="inputIds">[batch, length] token ids.</param>
    /// <param name="tokenTypeIds">[batch, length] segment ids, zeros when null.</param>
    /// <param name="positionIds">[batch, length] positions; when null 0..L-1 (BERT) or RoBERTa's padding-aware positions.</param>
    public override Tensor forward(Tensor inputIds, Tensor? tokenTypeIds, Tensor? positionIds)
    {
        using var scope = NewDisposeScope();
        positionIds ??= Config.UsesRobertaPositions
            ? RobertaPositionIds(inputIds, Config.PadTokenId)
            : arange(inputIds.shape[1], dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0).expand_as(inputIds);
        tokenTypeIds ??= zeros_like(inputIds);
        // Same order of additions as HF: words + token types, then positions. Lookups go through
        // SampledWeightGradients (gradients at the selected entries only in the LT-SFT sparse phase).
        var embeddings = SampledWeightGradients.Embedding(WordEmbeddings, inputIds) + SampledWeightGradients.Embedding(TokenTypeEmbeddings, tokenTypeIds);
        embeddings = embeddings + SampledWeightGradients.Embedding(PositionEmbeddings, positionIds);
        embeddings = LayerNorm.forward(embeddings);
        embeddings = nn.functional.dropout(embeddings, Config.HiddenDropoutProb, training);
        return embeddings.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// RoBERTa positions: non-pad tokens get <c>pad + (number of non-pad tokens up to and including them)</c>,
    /// pads get <c>pad</c> (HF create_position_ids_from_input_ids).
    /// </summary>
    public static Tensor RobertaPositionIds(Tensor inputIds, long padTokenId)
    {
        using var scope = NewDisposeScope();
        var mask = inputIds.ne(padTokenId).to(ScalarType.Int64);
        var positions = mask.cumsum(1) * mask + padTokenId;
        return positions.MoveToOuterDisposeScope();
    }
}
