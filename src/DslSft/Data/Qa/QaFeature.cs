using DslSft.Data.Alignment;

namespace DslSft.Data.Qa;

/// <summary>
/// One window of a QA example as the model sees it: question, then a slice of the context.
/// <see cref="CharStarts"/>/<see cref="CharEnds"/> give, for each input token, its character span in the
/// context, or -1 for question and special tokens (so decoded spans can only land in the context).
/// <see cref="StartPosition"/>/<see cref="EndPosition"/> are the gold answer's token positions, or 0 (the
/// first special token, HF's CLS convention) when the answer is not inside this window or there is none.
/// </summary>
public sealed record QaFeature(
    int ExampleIndex,
    ModelInput Input,
    int[] CharStarts,
    int[] CharEnds,
    int StartPosition,
    int EndPosition)
{
    public bool IsContextToken(int position) => CharStarts[position] >= 0;
}
