namespace DslSft.Data.Text;

/// <summary>
/// A masked-LM input: token ids, and which of them are special tokens (never masked).
/// </summary>
public sealed record PackedSequence(int[] InputIds, bool[] SpecialTokensMask)
{
    public int Length => InputIds.Length;
}
