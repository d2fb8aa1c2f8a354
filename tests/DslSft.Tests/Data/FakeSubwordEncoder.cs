using DslSft.Data.Alignment;

namespace DslSft.Tests.Data;

/// <summary>
/// A predictable subword encoder for tests: words are split on spaces, then into pieces of at most
/// <c>pieceLength</c> characters; each piece's id is 1000 + its character code sum (so ids can be
/// recomputed by hand). BERT framing: [CLS]=101, [SEP]=102, [PAD]=0, [UNK]=100.
/// </summary>
internal sealed class FakeSubwordEncoder(int pieceLength = 3, SequenceFraming? framing = null) : ISubwordEncoder
{
    public SequenceFraming Framing { get; } = framing ?? SequenceFraming.Bert(cls: 101, sep: 102, pad: 0, unk: 100);

    public static int PieceId(string piece) => 1000 + piece.Sum(c => c);

    public EncodedText Encode(string text)
    {
        var ids = new List<int>();
        var starts = new List<int>();
        var ends = new List<int>();
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == ' ') { i++; continue; }
            int wordEnd = text.IndexOf(' ', i);
            if (wordEnd < 0) wordEnd = text.Length;
            for (int s = i; s < wordEnd; s += pieceLength)
            {
                int e = Math.Min(wordEnd, s + pieceLength);
                ids.Add(PieceId(text[s..e]));
                starts.Add(s);
                ends.Add(e);
            }
            i = wordEnd;
        }
        return new EncodedText(ids.ToArray(), starts.ToArray(), ends.ToArray());
    }

    public int[] EncodeWord(string word) => Encode(word).Ids;
}
