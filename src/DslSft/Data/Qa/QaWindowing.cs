using DslSft.Data.Alignment;

namespace DslSft.Data.Qa;

/// <summary>
/// Splits long contexts into overlapping windows, the standard SQuAD preprocessing (HF run_qa's
/// <c>truncation="only_second"</c>, <c>return_overflowing_tokens</c>, <c>stride</c>): each window holds the
/// whole question and as much context as fits in <c>maxLength</c>; consecutive windows share
/// <c>docStride</c> context tokens. Works on token character offsets only, so any <see cref="ISubwordEncoder"/> fits.
/// </summary>
public sealed class QaWindowing
{
    private readonly ISubwordEncoder _encoder;

    public QaWindowing(ISubwordEncoder encoder, int maxLength, int docStride)
    {
        if (maxLength <= encoder.Framing.PairOverhead) throw new ArgumentOutOfRangeException(nameof(maxLength), "leaves no room for question and context");
        if (docStride < 0) throw new ArgumentOutOfRangeException(nameof(docStride), "must not be negative");
        _encoder = encoder;
        MaxLength = maxLength;
        DocStride = docStride;
    }

    public int MaxLength { get; }

    public int DocStride { get; }

    /// <summary>The windows of <paramref name="example"/>; training targets come from its first answer.</summary>
    public IEnumerable<QaFeature> Windows(QaExample example, int exampleIndex)
    {
        var framing = _encoder.Framing;
        // HF strips leading whitespace from questions: some SQuAD-style sets have long runs of it.
        var question = _encoder.Encode(example.Question.TrimStart()).Ids;
        var context = _encoder.Encode(example.Context);
        int room = MaxLength - framing.PairOverhead - question.Length;
        if (room <= DocStride)
            throw new InvalidInputException(
                $"question {example.Id} is {question.Length} tokens: with max length {MaxLength} and doc stride {DocStride} there is no room for the context (raise --max-length or lower --doc-stride)",
                example.Path, example.Line);
        var answer = example.Answers.Count > 0 && !example.IsImpossible ? example.Answers[0] : null;
        int contextOffset = framing.Prefix.Length + question.Length + framing.Separator.Length;
        for (int start = 0; ; start += room - DocStride)
        {
            int end = Math.Min(start + room, context.Count);
            var input = ModelInput.Pair(question, context.Ids.AsSpan(start, end - start), framing);
            var charStarts = new int[input.Length];
            var charEnds = new int[input.Length];
            Array.Fill(charStarts, -1);
            Array.Fill(charEnds, -1);
            Array.Copy(context.Starts, start, charStarts, contextOffset, end - start);
            Array.Copy(context.Ends, start, charEnds, contextOffset, end - start);
            var (startPosition, endPosition) = answer is null ? (0, 0) : Locate(answer, context, start, end, contextOffset);
            yield return new QaFeature(exampleIndex, input, charStarts, charEnds, startPosition, endPosition);
            if (end >= context.Count) break;
        }
    }

    /// <summary>Token positions of the answer inside the window [first, end) of context tokens, or (0, 0) when it is not wholly inside.</summary>
    private static (int, int) Locate(QaAnswer answer, EncodedText context, int first, int end, int contextOffset)
    {
        if (end == first || context.Starts[first] > answer.Start || context.Ends[end - 1] < answer.End) return (0, 0);
        int tokenStart = first;
        while (tokenStart < end && context.Starts[tokenStart] <= answer.Start) tokenStart++;
        tokenStart--;
        int tokenEnd = end - 1;
        while (tokenEnd >= first && context.Ends[tokenEnd] >= answer.End) tokenEnd--;
        tokenEnd++;
        return (tokenStart - first + contextOffset, tokenEnd - first + contextOffset);
    }
}
