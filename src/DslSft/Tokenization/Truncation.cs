namespace DslSft.Tokenization;

/// <summary>HF's <c>truncation="longest_first"</c>: drop tokens from the end of whichever sequence is longer (the second one on ties) until the total fits.</summary>
public static class Truncation
{
    /// <summary>Returns how many tokens of each sequence to keep so that they plus <paramref name="specialCount"/> fit in <paramref name="maxLength"/>.</summary>
    public static (int First, int Second) LongestFirst(int firstCount, int secondCount, int specialCount, int maxLength)
    {
        if (maxLength < specialCount)
            throw new ArgumentOutOfRangeException(nameof(maxLength), $"max length {maxLength} leaves no room for the {specialCount} special tokens");
        var excess = firstCount + secondCount + specialCount - maxLength;
        while (excess-- > 0)
        {
            if (firstCount > secondCount) firstCount--;
            else secondCount--;
        }
        return (firstCount, secondCount);
    }
}
