using DslSft.Models;
using DslSft.Tasks.Evaluation;
using DslSft.Training;
using static TorchSharp.torch;

namespace DslSft.Cli.Wiring.Tasks;

/// <summary>
/// A data file encoded for one task: how many model inputs it gave (sentences, sentence pairs or QA windows), how many
/// were dropped for length, batches for training, and scores for a model. <see cref="TaskData{TExample}"/> holds the
/// task's own example type; the evaluation loop is shared by every task.
/// </summary>
public abstract class TaskData(string path, int dropped, int unknownLabels)
{
    public string Path { get; } = path;

    /// <summary>Model inputs encoded.</summary>
    public abstract int Count { get; }

    /// <summary>Examples left out for not fitting the maximum length (token tasks, as composable-sft filters them).</summary>
    public int Dropped { get; } = dropped;

    /// <summary>
    /// Gold labels (of evaluation data) outside the head's label set. No prediction can match them: POS and classification
    /// accuracy leave them out (as HF leaves out MultiNLI's "-" gold labels), NER spans and parsing LAS count them as missed.
    /// </summary>
    public int UnknownLabels { get; } = unknownLabels;

    /// <summary>What a reader of the scores should know about this file: examples left out for length, labels the head does not know.</summary>
    public IEnumerable<string> Notes(int maxLength)
    {
        if (Dropped > 0) yield return $"{Path}: {Dropped} examples longer than {maxLength} tokens not scored";
        if (UnknownLabels > 0) yield return $"{Path}: {UnknownLabels} gold labels outside the head's label set (no prediction can match them)";
    }

    /// <summary>Shuffled training batches with targets.</summary>
    public abstract ITrainingData<ModelBatch> Batches(int batchSize, int seed);

    /// <summary>Scores <paramref name="model"/> (eval mode, no gradients, no targets given to it) on every example.</summary>
    public abstract EvaluationResult Evaluate(ITransformerModel model, int batchSize, Action<long, long>? progress = null, CancellationToken cancel = default);
}

/// <summary>Turns a task head's outputs into its metric, batch by batch.</summary>
public interface IBatchScorer<in TExample>
{
    void Add(IReadOnlyList<TExample> batch, ModelOutput output);

    EvaluationResult Result();
}

/// <summary><see cref="TaskData"/> over a task's examples, its collate function (examples → padded batch with targets) and its scorer.</summary>
public sealed class TaskData<TExample>(string path, IReadOnlyList<TExample> examples, int dropped,
    Func<IReadOnlyList<TExample>, ModelBatch> collate, Func<IBatchScorer<TExample>> newScorer, int unknownLabels = 0) : TaskData(path, dropped, unknownLabels)
{
    public IReadOnlyList<TExample> Examples => examples;

    public override int Count => examples.Count;

    public override ITrainingData<ModelBatch> Batches(int batchSize, int seed) =>
        new ShuffledTrainingData<TExample, ModelBatch>(examples, batchSize, collate, seed);

    public override EvaluationResult Evaluate(ITransformerModel model, int batchSize, Action<long, long>? progress = null, CancellationToken cancel = default)
    {
        var scorer = newScorer();
        var module = model.Module;
        bool wasTraining = module.training;
        module.eval();
        try
        {
            using var noGrad = no_grad();
            for (int start = 0; start < examples.Count; start += batchSize)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = new TExample[Math.Min(batchSize, examples.Count - start)];
                for (int i = 0; i < batch.Length; i++) batch[i] = examples[start + i];
                // Without targets the head skips its loss: only the scores are needed.
                var inputs = collate(batch) with { Labels = null, StartPositions = null, EndPositions = null, Heads = null, Relations = null };
                scorer.Add(batch, model.Forward(inputs));
                progress?.Invoke(start + batch.Length, examples.Count);
            }
        }
        finally
        {
            if (wasTraining) module.train();
        }
        return scorer.Result();
    }
}
