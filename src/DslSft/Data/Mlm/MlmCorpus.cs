using DslSft.Data.Text;
using DslSft.Models;
using DslSft.Tokenization;
using DslSft.Training;
using static TorchSharp.torch;

namespace DslSft.Data.Mlm;

/// <summary>
/// Raw text made into masked-LM training and validation data the way composable-sft's run_mlm.py makes it, in one
/// place for train-lang, the experiments and the demo: each line framed with the model's special tokens, then packed
/// into blocks of <c>max_seq_length</c> (group_texts) or kept one per line (<c>--line_by_line</c>); 15% of the
/// non-special tokens chosen, 80/10/10 as DataCollatorForLanguageModeling does. Only the framing tokens count as
/// special (run_mlm passes the tokenizer's special_tokens_mask): an [UNK] inside the text can be chosen like any token.
/// </summary>
public sealed class MlmCorpus
{
    private MlmCorpus(IReadOnlyList<long[]> train, IReadOnlyList<long[]> validation, long droppedTokens, int truncatedLines)
    {
        Train = train;
        Validation = validation;
        DroppedTokens = droppedTokens;
        TruncatedLines = truncatedLines;
    }

    /// <summary>Training sequences (token ids with the framing tokens).</summary>
    public IReadOnlyList<long[]> Train { get; }

    /// <summary>Held-out sequences, built the same way.</summary>
    public IReadOnlyList<long[]> Validation { get; }

    /// <summary>Tokens left over at the end of packing groups (fewer than one block each), dropped as run_mlm drops them.</summary>
    public long DroppedTokens { get; }

    /// <summary>Lines cut to the maximum length (line-by-line mode).</summary>
    public int TruncatedLines { get; }

    /// <summary>Encodes <paramref name="trainLines"/> and <paramref name="validationLines"/> with <paramref name="tokenizer"/>.</summary>
    public static MlmCorpus Build(ITextTokenizer tokenizer, IEnumerable<string> trainLines, IEnumerable<string> validationLines, int maxLength, bool lineByLine)
    {
        var builder = new MlmSequenceBuilder(new TokenizerSubwordEncoder(tokenizer), maxLength);
        List<long[]> Encode(IEnumerable<string> lines) => (lineByLine ? builder.LineByLine(lines) : builder.Pack(lines))
            .Select(s => Array.ConvertAll(s.InputIds, id => (long)id)).ToList();
        var train = Encode(trainLines);
        var validation = Encode(validationLines);
        return new MlmCorpus(train, validation, builder.DroppedTokens, builder.TruncatedLines);
    }

    /// <summary>The same corpus scoring at most the first <paramref name="blocks"/> validation sequences.</summary>
    public MlmCorpus WithValidationLimit(int blocks) =>
        Validation.Count <= blocks ? this : new MlmCorpus(Train, Validation.Take(blocks).ToList(), DroppedTokens, TruncatedLines);

    /// <summary>A collator whose special tokens are the model's framing tokens (and padding).</summary>
    public static MlmCollator Collator(ITextTokenizer tokenizer, long seed, double maskProbability = MlmCollator.DefaultMaskProbability)
    {
        var framing = new TokenizerSubwordEncoder(tokenizer).Framing;
        var special = framing.Prefix.Concat(framing.Separator).Concat(framing.Suffix).Select(id => (long)id).Distinct();
        return new MlmCollator(tokenizer.VocabularySize, tokenizer.MaskTokenId, tokenizer.PadTokenId, special, seed, maskProbability);
    }

    /// <summary>Shuffled training batches, masked anew each time they are drawn (decoding only the chosen positions).</summary>
    public ShuffledTrainingData<long[], ModelBatch> TrainingData(MlmCollator collator, int batchSize, int seed) =>
        new(Train.ToList(), batchSize, batch => collator.Collate(batch).ToModelBatch(), seed);

    /// <summary>
    /// Mean masked-LM loss over the validation sequences (weighted by sequences, as the HF Trainer's evaluation loss),
    /// with the same masks at every call so that losses of different models and steps are comparable. The model is
    /// put in eval mode and back; no gradients are computed.
    /// </summary>
    public double ValidationLoss(ITransformerModel model, MlmCollator collator, int batchSize)
    {
        if (Validation.Count == 0) throw new InvalidOperationException("the corpus has no validation text");
        bool training = model.Module.training;
        model.Module.eval();
        try
        {
            using var noGrad = no_grad();
            double total = 0;
            for (int start = 0; start < Validation.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var chunk = Validation.Skip(start).Take(batchSize).ToList();
                var batch = collator.CollateForEvaluation(chunk).ToModelBatch();
                total += model.Forward(batch).Loss!.item<float>() * chunk.Count;
            }
            return total / Validation.Count;
        }
        finally
        {
            if (training) model.Module.train();
        }
    }
}
