namespace DslSft.Data.Alignment;

/// <summary>
/// Encodes sentence pairs (NLI) or single sentences (classification) within a length budget using HF's
/// default <c>longest_first</c> truncation: drop one token at a time from the end of the longer side
/// (from the second on a tie) until the framed input fits.
/// </summary>
public static class PairTruncation
{
    public static ModelInput Encode(ISubwordEncoder encoder, string first, string? second, int maxLength)
    {
        var framing = encoder.Framing;
        var a = encoder.Encode(first).Ids;
        if (second is null)
        {
            int room = maxLength - framing.SingleOverhead;
            if (room <= 0) throw new ArgumentOutOfRangeException(nameof(maxLength), $"max length {maxLength} leaves no room after {framing.SingleOverhead} special tokens");
            return ModelInput.Single(a.AsSpan(0, Math.Min(a.Length, room)), framing);
        }
        var b = encoder.Encode(second).Ids;
        int budget = maxLength - framing.PairOverhead;
        if (budget < 2) throw new ArgumentOutOfRangeException(nameof(maxLength), $"max length {maxLength} leaves no room for a pair after {framing.PairOverhead} special tokens");
        int lengthA = a.Length, lengthB = b.Length;
        while (lengthA + lengthB > budget)
        {
            if (lengthA > lengthB) lengthA--;
            else lengthB--;
        }
        return ModelInput.Pair(a.AsSpan(0, lengthA), b.AsSpan(0, lengthB), framing);
    }
}
