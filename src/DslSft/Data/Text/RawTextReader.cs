using DslSft.Data.Conllu;

namespace DslSft.Data.Text;

/// <summary>
/// Raw text for masked-LM training: one sentence or document per line (blank lines skipped), or the
/// <c># text =</c> sentences of a CoNLL-U treebank. A held-out split takes the first <c>percent</c>% of the
/// lines for validation, as HF run_mlm's <c>validation_split_percentage</c> does.
/// </summary>
public static class RawTextReader
{
    /// <summary>Non-blank lines of <paramref name="path"/>, trimmed, streamed. A <c>.conllu</c> file yields its <c># text =</c> sentences.</summary>
    public static IEnumerable<string> Read(string path)
    {
        if (path.EndsWith(".conllu", StringComparison.OrdinalIgnoreCase)) return ReadConlluText(path);
        return ReadLines(path);
    }

    /// <summary>
    /// Splits the lines of <paramref name="path"/> into training and held-out parts: the first
    /// round(n·percent/100) lines (rounding half to even, like Python) are held out. Counts the lines
    /// first, then streams each part on demand.
    /// </summary>
    public static HeldOutSplit Split(string path, double percent)
    {
        if (percent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percent), "must be within 0..100");
        int total = Read(path).Count();
        int heldOut = HeldOutCount(total, percent);
        return new HeldOutSplit(Read(path).Skip(heldOut), Read(path).Take(heldOut), total - heldOut, heldOut);
    }

    /// <summary>Lines held out of <paramref name="total"/>: round(n·percent/100), half to even as Python rounds.</summary>
    public static int HeldOutCount(int total, double percent) => (int)Math.Round(total * percent / 100, MidpointRounding.ToEven);

    private static IEnumerable<string> ReadLines(string path)
    {
        using var reader = new LineReader(path);
        while (reader.ReadLine() is { } line)
        {
            var text = line.Trim();
            if (text.Length > 0) yield return text;
        }
    }

    private static IEnumerable<string> ReadConlluText(string path)
    {
        foreach (var sentence in ConlluReader.Read(path))
        {
            var text = sentence.Text ?? string.Join(' ', sentence.Tokens.Select(t => t.Form));
            if (text.Length > 0) yield return text;
        }
    }
}

/// <summary>Training and held-out lines of a raw-text file, each streamed on demand.</summary>
public sealed record HeldOutSplit(IEnumerable<string> Train, IEnumerable<string> HeldOut, int TrainCount, int HeldOutCount);
