using DslSft.Dsl.Models;
using DslSft.Models.Transformer;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Models.Heads;

/// <summary>
/// A biaffine dependency parser (Dozat and Manning 2017) on the encoder, as in composable-sft's UD experiments:
/// a word vector is the mean of its subword vectors, the root is the first token's ([CLS] / &lt;s&gt;) vector;
/// separate MLPs (LeakyReLU, dropout) give dependent and head views; arc scores = [dep; 1] U_arc head,
/// relation scores = [dep; 1] U_rel[r] [head; 1].
/// </summary>
[Model(typeof(TransformerConfig))]
public sealed partial class DependencyParsingModel : nn.Module<ModelBatch, ModelOutput>, ITransformerModel
{
    [Block("{BaseModelPrefix}")] public partial BertModel Encoder { get; }
    [Linear("parser.arc_dep", "hidden_size", "parser_arc_mlp_size", Role = ParameterRole.DenseHead)] public partial Linear ArcDependent { get; }
    [Linear("parser.arc_head", "hidden_size", "parser_arc_mlp_size", Role = ParameterRole.DenseHead)] public partial Linear ArcHead { get; }
    [Linear("parser.rel_dep", "hidden_size", "parser_rel_mlp_size", Role = ParameterRole.DenseHead)] public partial Linear RelationDependent { get; }
    [Linear("parser.rel_head", "hidden_size", "parser_rel_mlp_size", Role = ParameterRole.DenseHead)] public partial Linear RelationHead { get; }
    [Parameter("parser.arc_attention.weight", "parser_arc_mlp_size+1, parser_arc_mlp_size", Role = ParameterRole.DenseHead)] public partial Parameter ArcWeight { get; }
    [Parameter("parser.rel_attention.weight", "parser_num_relations, parser_rel_mlp_size+1, parser_rel_mlp_size+1", Role = ParameterRole.DenseHead)] public partial Parameter RelationWeight { get; }

    partial void OnCreated()
    {
        // The biaffine weights start at zero in the declaration; give them a small random start for training from scratch.
        using var _ = no_grad();
        nn.init.xavier_uniform_(ArcWeight);
        nn.init.xavier_uniform_(RelationWeight);
    }

    /// <summary>Logits = arc scores [B, W+1, W+1] (dependent, head; -inf for padding heads); SecondLogits = relation scores [B, W+1, W+1, R].</summary>
    public override ModelOutput forward(ModelBatch batch)
    {
        if (batch.WordIndex is null) throw new ArgumentException("the parser needs ModelBatch.WordIndex (word number per subword)", nameof(batch));
        using var scope = NewDisposeScope();
        var hidden = Encoder.Encode(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, batch.PositionIds);
        var (words, wordMask) = WordVectors(hidden, batch.WordIndex);

        Tensor Mlp(Linear layer) => nn.functional.dropout(nn.functional.leaky_relu(layer.forward(words), 0.1), Config.ParserDropout, training);
        var arcDependent = Mlp(ArcDependent);
        var arcHead = Mlp(ArcHead);
        var relationDependent = Mlp(RelationDependent);
        var relationHead = Mlp(RelationHead);

        // arc[b, i, j] = [dep_i; 1] · W · head_j
        var arcScores = matmul(matmul(WithOnes(arcDependent), ArcWeight), arcHead.transpose(1, 2));
        arcScores = arcScores.masked_fill(wordMask.unsqueeze(1).logical_not(), float.NegativeInfinity);
        // rel[b, i, j, r] = [dep_i; 1] · W_r · [head_j; 1]
        var relationScores = einsum("bxi,rij,byj->bxyr", WithOnes(relationDependent), RelationWeight, WithOnes(relationHead));

        Tensor? loss = null;
        if (batch.Heads is { } heads && batch.Relations is { } relations)
        {
            var arcLoss = nn.functional.cross_entropy(arcScores.reshape(-1, arcScores.shape[2]), heads.reshape(-1), ignore_index: -100);
            // Relation loss at the gold head of every scored word.
            var goldHeads = heads.clamp_min(0).unsqueeze(-1).unsqueeze(-1).expand(-1, -1, 1, relationScores.shape[3]);
            var atGold = relationScores.gather(2, goldHeads).squeeze(2);
            var relationLoss = nn.functional.cross_entropy(atGold.reshape(-1, atGold.shape[2]), relations.reshape(-1), ignore_index: -100);
            loss = arcLoss + relationLoss;
        }
        return new ModelOutput(arcScores.MoveToOuterDisposeScope(), loss?.MoveToOuterDisposeScope(), relationScores.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Word vectors [B, W+1, H] (index 0 = root = first token, i = mean of the subwords of word i) and a mask of the
    /// word slots that exist [B, W+1], from <paramref name="wordIndex"/> [B, L] (0 root, 1..W words, -1 none).
    /// </summary>
    public static (Tensor Words, Tensor Mask) WordVectors(Tensor hidden, Tensor wordIndex)
    {
        using var scope = NewDisposeScope();
        var slots = wordIndex.max().item<long>() + 1;
        var assignment = wordIndex.unsqueeze(1).eq(arange(slots, device: wordIndex.device).view(1, -1, 1)).to(hidden.dtype); // [B, W+1, L]
        var counts = assignment.sum(-1, keepdim: true);
        var words = matmul(assignment, hidden) / counts.clamp_min(1);
        var mask = counts.squeeze(-1).gt(0);
        return (words.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }

    /// <summary>Greedy heads (argmax over candidate heads, no tree constraint) and their best relations.</summary>
    public static (Tensor Heads, Tensor Relations) Decode(ModelOutput output)
    {
        using var scope = NewDisposeScope();
        var heads = output.Logits.argmax(-1);
        var relationScores = output.SecondLogits ?? throw new ArgumentException("no relation scores", nameof(output));
        var atHead = relationScores.gather(2, heads.unsqueeze(-1).unsqueeze(-1).expand(-1, -1, 1, relationScores.shape[3])).squeeze(2);
        return (heads.MoveToOuterDisposeScope(), atHead.argmax(-1).MoveToOuterDisposeScope());
    }

    private static Tensor WithOnes(Tensor x) => cat(new[] { x, ones_like(x.narrow(-1, 0, 1)) }, -1);

    public ModelHead Head => ModelHead.DependencyParsing;
    public nn.Module Module => this;
    public string BasePrefix => Config.BaseModelPrefix;
    public ModelOutput Forward(ModelBatch batch) => forward(batch);
}
