using DslSft.Data;
using DslSft.Data.Conllu;
using DslSft.Models;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;
using DslSft.Tasks.Parsing;
using DslSft.Tokenization;
using static TorchSharp.torch;

namespace DslSft.Cli.Wiring.Tasks;

/// <summary>
/// One sentence encoded for the biaffine parser: subword ids; each subword's word number (1-based; 0 for the first
/// token, whose vector stands for the root; -1 for the other special tokens); the gold heads (0 = root) and relation
/// ids, one per word (relation -1 where the label set lacks it, in evaluation data).
/// </summary>
public sealed record ParsedExample(long[] InputIds, long[] WordIndex, int[] Heads, int[] Relations);

/// <summary>
/// Dependency parsing on CoNLL-U (relation subtypes stripped, words with head <c>_</c> dropped, as composable-sft
/// reads UD) with the biaffine head. Scored by UAS/LAS over every word, punctuation included, unless
/// <see cref="TaskSettings.ExcludePunctuation"/>; heads are decoded greedily (composable-sft's argmax) or as the
/// maximum spanning tree. Sentences longer than the maximum length are dropped and counted.
/// </summary>
public sealed class DependencyParsingTask(LabelVocabulary relations, TaskSettings settings) : TaskWiring(TaskKind.DependencyParsing, relations)
{
    public const string Punctuation = "punct";

    public override HfLoadOptions LoadOptions => new() { NumRelations = RequiredLabels.Count };

    public override string ScoringNote =>
        $"{(settings.Decoding == HeadDecoding.Mst ? "MST" : "greedy")} heads, punctuation {(settings.ExcludePunctuation ? "excluded" : "included")}"
        + (settings.ReferenceMask ? ", composable-sft's mask" : "");

    public override TaskData Encode(string path, ITextTokenizer tokenizer, int maxLength, bool training, int? limit = null)
    {
        int? punctuation = settings.ExcludePunctuation
            ? RequiredLabels.TryGetId(Punctuation, out var id) ? id : throw new InvalidInputException($"--no-punct: the relation set has no '{Punctuation}'")
            : null;
        var examples = new List<ParsedExample>();
        int dropped = 0;
        foreach (var sentence in ConlluReader.Read(path))
        {
            if (limit is { } max && examples.Count >= max) break;
            var tree = sentence.ToParseTree();
            if (tree.Words.Count == 0) continue;
            var example = Encode(tree, tokenizer, maxLength, training);
            if (example is null) dropped++;
            else examples.Add(example);
        }
        long padId = tokenizer.PadTokenId;
        int? excludedHead = settings.ReferenceMask ? tokenizer.PadTokenId : null;
        return new TaskData<ParsedExample>(path, examples, dropped, batch => Collate(batch, padId),
            () => new Scorer(new ParsingEvaluator(settings.Decoding, punctuation, excludedHead), RequiredLabels.Count),
            unknownLabels: examples.Sum(e => e.Relations.Count(r => r < 0)));
    }

    /// <summary>The encoded sentence, or null when it is longer than <paramref name="maxLength"/> or a word has no subword.</summary>
    private ParsedExample? Encode(ParseTree tree, ITextTokenizer tokenizer, int maxLength, bool training)
    {
        int n = tree.Words.Count;
        var heads = new int[n];
        var relationIds = new int[n];
        for (int i = 0; i < n; i++)
        {
            // The reader checks heads against all the sentence's words; dropping words without a head can leave one pointing past the end.
            heads[i] = tree.Heads[i] <= n ? tree.Heads[i]
                : throw new InvalidInputException($"head {tree.Heads[i]} is out of range once words without a head are dropped ({n} words remain)", tree.Path, tree.Lines[i]);
            relationIds[i] = GoldId(RequiredLabels, tree.Relations[i], training, tree.Path, tree.Lines[i]);
        }
        var encoded = tokenizer.EncodeWords(tree.Words);
        var wordIds = encoded.WordIds!;
        if (encoded.Length > maxLength || TokenTaggingData.FirstSubwords(wordIds, n).Contains(-1)) return null;
        var wordIndex = wordIds.Select(w => w >= 0 ? w + 1L : -1L).ToArray();
        wordIndex[0] = 0; // [CLS] / <s>: the root's vector
        return new ParsedExample(encoded.InputIds.Select(i => (long)i).ToArray(), wordIndex, heads, relationIds);
    }

    /// <summary>Pads a batch; gold heads and relations are [batch, words + 1] with -100 at the root slot and past each sentence.</summary>
    private static ModelBatch Collate(IReadOnlyList<ParsedExample> batch, long padId)
    {
        int slots = batch.Max(e => e.Heads.Length) + 1;
        var heads = new long[batch.Count * slots];
        var relations = new long[batch.Count * slots];
        Array.Fill(heads, TokenizedSequence.IgnoreLabel);
        Array.Fill(relations, TokenizedSequence.IgnoreLabel);
        for (int b = 0; b < batch.Count; b++)
            for (int i = 0; i < batch[b].Heads.Length; i++)
            {
                heads[b * slots + i + 1] = batch[b].Heads[i];
                relations[b * slots + i + 1] = batch[b].Relations[i] >= 0 ? batch[b].Relations[i] : TokenizedSequence.IgnoreLabel;
            }
        return new ModelBatch(BatchTensors.Pad(batch, e => e.InputIds, padId), BatchTensors.Mask(batch, e => e.InputIds))
        {
            WordIndex = BatchTensors.Pad(batch, e => e.WordIndex, -1),
            Heads = tensor(heads).reshape(batch.Count, slots),
            Relations = tensor(relations).reshape(batch.Count, slots),
        };
    }

    /// <summary>Cuts each sentence's arc [W+1, W+1] and relation [W+1, W+1, R] scores down to its own n words and decodes them.</summary>
    private sealed class Scorer(ParsingEvaluator evaluator, int relationCount) : IBatchScorer<ParsedExample>
    {
        public void Add(IReadOnlyList<ParsedExample> batch, ModelOutput output)
        {
            var arcs = output.Logits.to(CPU);
            var relationScores = (output.SecondLogits ?? throw new InvalidOperationException("the parser returned no relation scores")).to(CPU);
            if (relationScores.shape[3] != relationCount)
                throw new InvalidInputException($"the model's parser has {relationScores.shape[3]} relations but the task has {relationCount}");
            for (int b = 0; b < batch.Count; b++)
            {
                int n = batch[b].Heads.Length;
                // Rows: words 1..n as dependents; columns: heads 0..n (0 = root).
                var arc = arcs[b].narrow(0, 1, n).narrow(1, 0, n + 1).contiguous().data<float>().ToArray();
                var relation = relationScores[b].narrow(0, 1, n).narrow(1, 0, n + 1).contiguous().data<float>().ToArray();
                evaluator.Add(batch[b].Heads, batch[b].Relations, new ParseScores(arc, relation, n, relationCount));
            }
        }

        public EvaluationResult Result() => evaluator.Result();
    }
}
