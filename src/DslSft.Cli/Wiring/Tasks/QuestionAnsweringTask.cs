using DslSft.Data.Qa;
using DslSft.Models;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;
using DslSft.Tokenization;
using static TorchSharp.torch;

namespace DslSft.Cli.Wiring.Tasks;

/// <summary>
/// Extractive QA on SQuAD-format JSON with the span head. Contexts are cut into overlapping windows of the maximum
/// length (<see cref="QaWindowing"/>: HF run_qa's preprocessing, which composable-sft uses); a training window whose
/// span does not hold the answer is labelled with the first token, as HF does. A question's prediction is its best
/// span over all its windows, scored by SQuAD exact match and F1 with the official normalisation.
/// </summary>
public sealed class QuestionAnsweringTask(TaskSettings settings) : TaskWiring(TaskKind.QuestionAnswering, labels: null)
{
    /// <summary>HF run_qa's default doc stride.</summary>
    public const int DefaultDocStride = 128;

    public override string ScoringNote => $"best span over windows, at most {settings.MaxAnswerLength} tokens";

    /// <summary><see cref="TaskSettings.DocStride"/>, or the default capped at half the maximum length so that a small model still has room for context.</summary>
    public int DocStride(int maxLength) => settings.DocStride ?? Math.Min(DefaultDocStride, maxLength / 2);

    public override TaskData Encode(string path, ITextTokenizer tokenizer, int maxLength, bool training, int? limit = null)
    {
        var questions = SquadReader.Read(path).Take(limit ?? int.MaxValue).ToList();
        if (training)
            foreach (var q in questions.Where(q => q.Answers.Count == 0 && !q.IsImpossible))
                throw new InvalidInputException($"question {q.Id} has no answer (training data needs one, or \"is_impossible\": true)", q.Path, q.Line);
        int stride = DocStride(maxLength);
        if (stride >= maxLength) throw new InvalidInputException($"--doc-stride {stride} must be smaller than --max-length {maxLength}");
        var windowing = new QaWindowing(new TokenizerSubwordEncoder(tokenizer), maxLength, stride);
        var windows = questions.SelectMany((q, i) => windowing.Windows(q, i)).ToList();
        long padId = tokenizer.PadTokenId;
        return new TaskData<QaFeature>(path, windows, 0, batch => Collate(batch, padId), () => new Scorer(questions, settings.MaxAnswerLength));
    }

    private static ModelBatch Collate(IReadOnlyList<QaFeature> batch, long padId)
    {
        static long[] Ids(QaFeature f) => f.Input.InputIds.Select(i => (long)i).ToArray();
        return new(BatchTensors.Pad(batch, Ids, padId), BatchTensors.Mask(batch, Ids))
        {
            TokenTypeIds = BatchTensors.Pad(batch, f => f.Input.SegmentIds.Select(i => (long)i).ToArray(), 0),
            StartPositions = BatchTensors.PerExample(batch, f => f.StartPosition),
            EndPositions = BatchTensors.PerExample(batch, f => f.EndPosition),
        };
    }

    /// <summary>Collects every window's start and end logits under its question, then decodes each question once all are in.</summary>
    private sealed class Scorer(IReadOnlyList<QaExample> questions, int maxAnswerLength) : IBatchScorer<QaFeature>
    {
        private readonly List<(QaFeature, float[], float[])>[] _windows = questions.Select(_ => new List<(QaFeature, float[], float[])>()).ToArray();

        public void Add(IReadOnlyList<QaFeature> batch, ModelOutput output)
        {
            var start = output.Logits.to(CPU).contiguous();
            var end = (output.SecondLogits ?? throw new InvalidOperationException("the QA head returned no end logits")).to(CPU).contiguous();
            for (int b = 0; b < batch.Count; b++)
                _windows[batch[b].ExampleIndex].Add((batch[b], start[b].data<float>().ToArray(), end[b].data<float>().ToArray()));
        }

        public EvaluationResult Result()
        {
            var evaluator = new QaEvaluator(maxAnswerLength);
            for (int q = 0; q < questions.Count; q++) evaluator.Add(questions[q], _windows[q]);
            return evaluator.Result();
        }
    }
}
