namespace DslSft.Data.Alignment;

/// <summary>
/// The special tokens around model inputs. One sequence: Prefix + a + Suffix. A pair:
/// Prefix + a + Separator + b + Suffix. BERT: [CLS] a [SEP] b [SEP] with segment ids 0 then 1;
/// XLM-R: &lt;s&gt; a &lt;/s&gt;&lt;/s&gt; b &lt;/s&gt; with no segment ids (all 0).
/// </summary>
public sealed record SequenceFraming(int[] Prefix, int[] Separator, int[] Suffix, int PadId, int UnknownId, bool UsesSegmentIds)
{
    public static SequenceFraming Bert(int cls, int sep, int pad, int unk) => new([cls], [sep], [sep], pad, unk, UsesSegmentIds: true);

    public static SequenceFraming Roberta(int bos, int eos, int pad, int unk) => new([bos], [eos, eos], [eos], pad, unk, UsesSegmentIds: false);

    /// <summary>Special tokens added to one sequence.</summary>
    public int SingleOverhead => Prefix.Length + Suffix.Length;

    /// <summary>Special tokens added to a pair.</summary>
    public int PairOverhead => Prefix.Length + Separator.Length + Suffix.Length;
}
