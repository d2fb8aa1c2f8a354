using DslSft.Data.Conllu;
using DslSft.Models;
using DslSft.Tasks;
using DslSft.Tokenization;

namespace DslSft.Experiments.CrossLingual;

/// <summary>
/// Reads the experiment's files with the library's readers (raw text, CoNLL-U) and encodes them with the
/// base model's tokenizer, exactly as the `dslsft train` path does.
/// </summary>
public static class TransferCorpus
{
    /// <summary>The label set of the task: the 17 UPOS tags, in composable-sft's (sorted) order.</summary>
    public static LabelVocabulary Labels => UdLabels.Upos;

    /// <summary>
    /// The UPOS-tagged sentences of a CoNLL-U file, encoded word by word with labels on first subwords.
    /// With <paramref name="maxLength"/>, longer sentences are dropped (and counted in <paramref name="dropped"/>).
    /// </summary>
    public static List<PosExample> PosExamples(ITextTokenizer tokenizer, string path, int? maxLength, int? maxSentences, out int dropped)
    {
        var sentences = ConlluReader.Read(path).Select(s => s.ToPosTagged()).Where(s => s.Words.Count > 0);
        if (maxSentences is { } max) sentences = sentences.Take(max);
        var examples = new List<PosExample>();
        dropped = 0;
        foreach (var sentence in sentences)
        {
            var sequence = tokenizer.EncodeWords(sentence.Words);
            if (maxLength is { } limit && sequence.Length > limit)
            {
                dropped++;
                continue;
            }
            examples.Add(new PosExample(sequence, sequence.AlignWordLabels(sentence.LabelIds(Labels))));
        }
        if (examples.Count == 0) throw new InvalidInputException("no usable POS-tagged sentences", path);
        return examples;
    }

    /// <summary>A padded token-classification batch.</summary>
    public static ModelBatch PosBatch(IReadOnlyList<PosExample> examples, int padTokenId)
    {
        using var batch = TokenBatch.Collate(examples.Select(e => e.Sequence).ToList(), padTokenId, examples.Select(e => e.Labels).ToList());
        return new ModelBatch(batch.InputIds.alias(), batch.AttentionMask.alias())
        {
            TokenTypeIds = batch.TokenTypeIds.alias(),
            Labels = batch.Labels!.alias(),
        };
    }
}
