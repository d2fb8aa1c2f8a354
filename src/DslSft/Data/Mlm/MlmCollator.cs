using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Data.Mlm;

/// <summary>
/// Masked-LM collation as BERT and transformers' DataCollatorForLanguageModeling do it: each real, non-special
/// token is chosen with probability <see cref="MaskProbability"/>; of the chosen, 80% become the mask token, 10%
/// a random token, 10% stay as they are; labels hold the original id at chosen positions only. Special tokens and
/// padding are never chosen. <see cref="CollateForEvaluation"/> masks the same way every time for the same batch
/// (composable-sft's consistent evaluation masking), so evaluation losses are comparable across evaluations.
/// </summary>
public sealed class MlmCollator
{
    /// <summary>run_mlm.py's default share of tokens chosen for prediction.</summary>
    public const double DefaultMaskProbability = 0.15;

    private readonly HashSet<long> _special;
    private readonly Generator _trainGenerator;
    private readonly long _evaluationSeed;

    public MlmCollator(long vocabularySize, long maskTokenId, long padTokenId, IEnumerable<long> specialTokenIds,
        long seed, double maskProbability = DefaultMaskProbability)
    {
        if (vocabularySize <= 0) throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize, "vocabulary size must be positive");
        if (maskTokenId < 0 || maskTokenId >= vocabularySize) throw new ArgumentOutOfRangeException(nameof(maskTokenId), maskTokenId, "mask token id is outside the vocabulary");
        if (!(maskProbability >= 0 && maskProbability <= 1)) throw new ArgumentOutOfRangeException(nameof(maskProbability), maskProbability, "mask probability must be in [0, 1]");
        VocabularySize = vocabularySize;
        MaskTokenId = maskTokenId;
        PadTokenId = padTokenId;
        MaskProbability = maskProbability;
        _special = new HashSet<long>(specialTokenIds) { padTokenId };
        _trainGenerator = new Generator((ulong)seed);
        _evaluationSeed = seed;
    }

    public long VocabularySize { get; }
    public long MaskTokenId { get; }
    public long PadTokenId { get; }
    public double MaskProbability { get; }

    /// <summary>Pads the sequences to the longest one and masks them with the training generator (advancing it).</summary>
    public MlmBatch Collate(IReadOnlyList<long[]> sequences) => Collate(sequences, _trainGenerator);

    /// <summary>Masks with a generator seeded from the batch's own token ids, so the same batch always gets the same masks.</summary>
    public MlmBatch CollateForEvaluation(IReadOnlyList<long[]> sequences)
    {
        // FNV-1a over the ids: stable across processes, unlike string.GetHashCode.
        var hash = 14695981039346656037UL ^ (ulong)_evaluationSeed;
        foreach (var sequence in sequences)
        {
            foreach (var id in sequence) hash = (hash ^ (ulong)id) * 1099511628211UL;
            hash = (hash ^ 0xFFUL) * 1099511628211UL;
        }
        using var generator = new Generator(hash);
        return Collate(sequences, generator);
    }

    private MlmBatch Collate(IReadOnlyList<long[]> sequences, Generator generator)
    {
        if (sequences.Count == 0) throw new ArgumentException("cannot collate an empty batch", nameof(sequences));
        var length = sequences.Max(s => s.Length);
        var ids = new long[sequences.Count * length];
        var attention = new long[ids.Length];
        var maskable = new bool[ids.Length];
        for (var b = 0; b < sequences.Count; b++)
        {
            Array.Fill(ids, PadTokenId, b * length, length);
            for (var t = 0; t < sequences[b].Length; t++)
            {
                var id = sequences[b][t];
                if (id < 0 || id >= VocabularySize) throw new ArgumentException($"token id {id} at sequence {b}, position {t} is outside the vocabulary of {VocabularySize}");
                ids[b * length + t] = id;
                attention[b * length + t] = 1;
                maskable[b * length + t] = !_special.Contains(id);
            }
        }
        using var scope = torch.NewDisposeScope();
        long[] shape = { sequences.Count, length };
        var inputIds = torch.tensor(ids, shape);
        var attentionMask = torch.tensor(attention, shape);
        var candidates = torch.tensor(maskable, shape);

        // Three draws per position from one generator keep the result a function of (generator state, batch).
        var chosen = torch.rand(shape, generator: generator).lt(MaskProbability).logical_and_(candidates);
        var replaceDraw = torch.rand(shape, generator: generator);
        var randomTokens = torch.randint(0, VocabularySize, shape, ScalarType.Int64, generator: generator);
        var toMask = chosen.logical_and(replaceDraw.lt(0.8));
        var toRandom = chosen.logical_and(replaceDraw.ge(0.8)).logical_and_(replaceDraw.lt(0.9));

        var labels = torch.where(chosen, inputIds, torch.full(shape, MlmBatch.IgnoreIndex, ScalarType.Int64));
        var corrupted = torch.where(toMask, torch.full(shape, MaskTokenId, ScalarType.Int64), inputIds);
        corrupted = torch.where(toRandom, randomTokens, corrupted);
        return new MlmBatch(corrupted.MoveToOuterDisposeScope(), attentionMask.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
