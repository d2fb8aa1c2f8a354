namespace DslSft.Data.Alignment;

/// <summary>
/// One encoded model input, unpadded: token ids, segment (token type) ids, and per-token training
/// targets where the task has them (<see cref="IgnoreIndex"/> marks tokens the loss skips).
/// </summary>
public sealed record ModelInput(int[] InputIds, int[] SegmentIds)
{
    /// <summary>The label id that the loss ignores (PyTorch's cross-entropy default, used by HF).</summary>
    public const int IgnoreIndex = -100;

    public int Length => InputIds.Length;

    /// <summary>Frames one sequence: Prefix + ids + Suffix, all in segment 0.</summary>
    public static ModelInput Single(ReadOnlySpan<int> ids, SequenceFraming framing)
    {
        var input = new int[framing.SingleOverhead + ids.Length];
        framing.Prefix.CopyTo(input, 0);
        ids.CopyTo(input.AsSpan(framing.Prefix.Length));
        framing.Suffix.CopyTo(input, framing.Prefix.Length + ids.Length);
        return new ModelInput(input, new int[input.Length]);
    }

    /// <summary>Frames a pair: Prefix + a + Separator + b + Suffix; with segment ids, b and the suffix are segment 1.</summary>
    public static ModelInput Pair(ReadOnlySpan<int> a, ReadOnlySpan<int> b, SequenceFraming framing)
    {
        var input = new int[framing.PairOverhead + a.Length + b.Length];
        int at = 0;
        framing.Prefix.CopyTo(input, at); at += framing.Prefix.Length;
        a.CopyTo(input.AsSpan(at)); at += a.Length;
        framing.Separator.CopyTo(input, at); at += framing.Separator.Length;
        int secondStart = at;
        b.CopyTo(input.AsSpan(at)); at += b.Length;
        framing.Suffix.CopyTo(input, at);
        var segments = new int[input.Length];
        if (framing.UsesSegmentIds) segments.AsSpan(secondStart).Fill(1);
        return new ModelInput(input, segments);
    }
}
