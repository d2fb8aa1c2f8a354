namespace DslSft.Tasks;

/// <summary>
/// Word-level predictions from a token-classification head (POS, NER): the argmax label at each word's
/// first subword, mirroring how labels were placed at training time.
/// </summary>
public static class TokenClassificationDecoder
{
    /// <param name="logits">One example's [sequence length, labels] scores, row-major.</param>
    /// <param name="firstSubwords">The input position of each word's first subword (<c>AlignedWords.FirstSubwords</c>).</param>
    public static int[] PredictWords(ReadOnlySpan<float> logits, int labelCount, ReadOnlySpan<int> firstSubwords)
    {
        if (logits.Length % labelCount != 0) throw new ArgumentException($"{logits.Length} logits do not form rows of {labelCount} labels");
        int length = logits.Length / labelCount;
        var words = new int[firstSubwords.Length];
        for (int w = 0; w < words.Length; w++)
        {
            int position = firstSubwords[w];
            if ((uint)position >= (uint)length) throw new ArgumentOutOfRangeException(nameof(firstSubwords), $"word {w} starts at {position}, beyond the {length} scored positions");
            words[w] = Argmax.Of(logits.Slice(position * labelCount, labelCount));
        }
        return words;
    }

    /// <summary>Label strings of <paramref name="ids"/>.</summary>
    public static string[] Labels(IReadOnlyList<int> ids, LabelVocabulary vocabulary) => ids.Select(i => vocabulary[i]).ToArray();
}
