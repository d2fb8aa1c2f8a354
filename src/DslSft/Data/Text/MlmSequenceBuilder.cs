using DslSft.Data.Alignment;

namespace DslSft.Data.Text;

/// <summary>
/// Turns raw lines into masked-LM inputs, the two ways HF run_mlm (and so composable-sft) does:
/// <see cref="LineByLine"/> frames each line on its own, truncated to the maximum length;
/// <see cref="Pack"/> frames each line, concatenates and cuts into blocks of exactly the maximum length (no padding is
/// ever needed), as run_mlm's <c>group_texts</c>: that runs under <c>datasets.map(batched=True)</c>, which hands it
/// <see cref="PackingGroupLines"/> lines at a time, so the incomplete last block of every group is dropped.
/// </summary>
public sealed class MlmSequenceBuilder(ISubwordEncoder encoder, int maxLength)
{
    public int MaxLength { get; } = maxLength > encoder.Framing.SingleOverhead ? maxLength : throw new ArgumentOutOfRangeException(nameof(maxLength), "leaves no room for text");

    /// <summary>Tokens left over at the end of packing (fewer than one block), dropped.</summary>
    public long DroppedTokens { get; private set; }

    /// <summary>Lines truncated by <see cref="LineByLine"/>.</summary>
    public int TruncatedLines { get; private set; }

    public IEnumerable<PackedSequence> LineByLine(IEnumerable<string> lines)
    {
        var framing = encoder.Framing;
        int room = MaxLength - framing.SingleOverhead;
        foreach (var line in lines)
        {
            var ids = encoder.Encode(line).Ids;
            if (ids.Length > room) TruncatedLines++;
            var input = ModelInput.Single(ids.AsSpan(0, Math.Min(ids.Length, room)), framing);
            yield return new PackedSequence(input.InputIds, SpecialMask(input.Length, framing));
        }
    }

    /// <summary>Lines per packing group: the default batch size of <c>datasets.map(batched=True)</c>.</summary>
    public const int PackingGroupLines = 1000;

    public IEnumerable<PackedSequence> Pack(IEnumerable<string> lines)
    {
        var framing = encoder.Framing;
        var ids = new List<int>(MaxLength * 2);
        var special = new List<bool>(MaxLength * 2);
        int linesInGroup = 0;
        foreach (var line in lines)
        {
            var framed = ModelInput.Single(encoder.Encode(line).Ids, framing);
            ids.AddRange(framed.InputIds);
            special.AddRange(SpecialMask(framed.Length, framing));
            int blocks = ids.Count / MaxLength;
            for (int b = 0; b < blocks; b++)
                yield return new PackedSequence(ids.GetRange(b * MaxLength, MaxLength).ToArray(), special.GetRange(b * MaxLength, MaxLength).ToArray());
            ids.RemoveRange(0, blocks * MaxLength);
            special.RemoveRange(0, blocks * MaxLength);
            if (++linesInGroup == PackingGroupLines)
            {
                DroppedTokens += ids.Count;
                ids.Clear();
                special.Clear();
                linesInGroup = 0;
            }
        }
        DroppedTokens += ids.Count;
    }

    private static bool[] SpecialMask(int length, SequenceFraming framing)
    {
        var mask = new bool[length];
        mask.AsSpan(0, framing.Prefix.Length).Fill(true);
        mask.AsSpan(length - framing.Suffix.Length).Fill(true);
        return mask;
    }
}
