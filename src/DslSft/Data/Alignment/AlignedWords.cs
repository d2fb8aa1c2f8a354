namespace DslSft.Data.Alignment;

/// <summary>
/// Words encoded for a token-level task. <see cref="TokenLabels"/> has one entry per input token: the
/// word's label on its first subword, <see cref="ModelInput.IgnoreIndex"/> elsewhere (special tokens and
/// continuation pieces). <see cref="WordStarts"/> has one entry per word plus a final end: word i covers
/// input tokens [WordStarts[i], WordStarts[i+1]) (composable-sft's parser averages over that range).
/// </summary>
public sealed record AlignedWords(ModelInput Input, int[] TokenLabels, int[] WordStarts)
{
    public int WordCount => WordStarts.Length - 1;

    /// <summary>The input position of each word's first subword (where its label sits).</summary>
    public ReadOnlySpan<int> FirstSubwords => WordStarts.AsSpan(0, WordCount);
}
