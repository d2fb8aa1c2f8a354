using DslSft.Tokenization;

namespace DslSft.Experiments.CrossLingual;

/// <summary>A POS-tagged sentence encoded for the model: subword ids and one label per subword (-100 except on each word's first subword).</summary>
public sealed record PosExample(TokenizedSequence Sequence, long[] Labels)
{
    /// <summary>Number of labelled (scored) words.</summary>
    public int Words => Labels.Count(l => l != TokenizedSequence.IgnoreLabel);
}
