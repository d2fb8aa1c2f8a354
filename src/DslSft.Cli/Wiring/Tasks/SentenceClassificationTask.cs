using System.Globalization;
using DslSft.Data.Classification;
using DslSft.Models;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;
using DslSft.Tokenization;
using static TorchSharp.torch;

namespace DslSft.Cli.Wiring.Tasks;

/// <summary>One sentence (pair) encoded for a sequence classifier, with its gold class (-1 where the label set lacks it, in evaluation data).</summary>
public sealed record ClassifiedExample(long[] InputIds, long[] TokenTypeIds, int Gold);

/// <summary>
/// NLI (premise and hypothesis) and single-sentence classification (sc: the first text only) from TSV or JSONL
/// (<see cref="SentencePairReader"/>), with the sequence-classification head, scored by accuracy. Inputs longer than
/// the maximum length are truncated longest-first, as HF's tokenizers do, so nothing is dropped. JSONL labels given as
/// integers are ids into the label set when that set is names (a labels file such as entailment/neutral/contradiction),
/// and their decimal text otherwise.
/// </summary>
public sealed class SentenceClassificationTask(TaskKind kind, LabelVocabulary labels) : TaskWiring(kind, labels)
{
    /// <summary>The labels of <paramref name="path"/>, for inferring the label set.</summary>
    public static IEnumerable<string> ObservedLabels(TaskKind kind, string path) => Read(kind, path, labels: null).Select(e => e.Label!);

    public override TaskData Encode(string path, ITextTokenizer tokenizer, int maxLength, bool training, int? limit = null)
    {
        var examples = new List<ClassifiedExample>();
        foreach (var example in Read(Kind, path, RequiredLabels))
        {
            if (limit is { } max && examples.Count >= max) break;
            int gold = GoldId(RequiredLabels, example.Label!, training, example.Path, example.Line);
            var encoded = tokenizer.Encode(example.Premise, Kind == TaskKind.Nli ? example.Hypothesis : null, maxLength);
            examples.Add(new ClassifiedExample(encoded.InputIds.Select(i => (long)i).ToArray(), encoded.TokenTypeIds.Select(i => (long)i).ToArray(), gold));
        }
        long padId = tokenizer.PadTokenId;
        return new TaskData<ClassifiedExample>(path, examples, 0, batch => Collate(batch, padId), () => new Scorer(new ClassificationEvaluator(Kind), RequiredLabels.Count),
            unknownLabels: examples.Count(e => e.Gold < 0));
    }

    private static IEnumerable<SentencePairExample> Read(TaskKind kind, string path, LabelVocabulary? labels) =>
        SentencePairReader.Read(path, new SentencePairReadOptions
        {
            RequireHypothesis = kind == TaskKind.Nli,
            LabelNamesById = labels is not null && !labels.Labels.Any(l => int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) ? labels.Labels : null,
        });

    private static ModelBatch Collate(IReadOnlyList<ClassifiedExample> batch, long padId) =>
        new(BatchTensors.Pad(batch, e => e.InputIds, padId), BatchTensors.Mask(batch, e => e.InputIds))
        {
            TokenTypeIds = BatchTensors.Pad(batch, e => e.TokenTypeIds, 0),
            Labels = BatchTensors.PerExample(batch, e => e.Gold >= 0 ? e.Gold : TokenizedSequence.IgnoreLabel),
        };

    private sealed class Scorer(ClassificationEvaluator evaluator, int classes) : IBatchScorer<ClassifiedExample>
    {
        public void Add(IReadOnlyList<ClassifiedExample> batch, ModelOutput output)
        {
            var logits = output.Logits.to(CPU).contiguous();
            if (logits.shape[1] != classes) throw new InvalidInputException($"the model's head has {logits.shape[1]} labels but the task has {classes}");
            var values = logits.data<float>().ToArray();
            for (int b = 0; b < batch.Count; b++) evaluator.Add(batch[b].Gold, values.AsSpan(b * classes, classes));
        }

        public EvaluationResult Result() => evaluator.Result();
    }
}
