using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Engine;
using DslSft.Models;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Sft.Operations;
using DslSft.Training;
using static TorchSharp.torch;

namespace DslSft.Cli.Wiring;

/// <summary>
/// Runs LT-SFT for a command and publishes its output directory atomically: the SFT (<see cref="SftPaths.SftFileName"/>,
/// with the base model's name and checksum in its metadata so applying it to another model fails clearly), the
/// JSONL training log and the PNG loss plot the trainer writes. The run works in a <see cref="TrainingWorkDirectory"/>:
/// interrupted, it leaves its checkpoint there for <c>--resume</c> (<see cref="LtSftOptions.Resume"/>); finished, the
/// checkpoint is dropped and the directory becomes the output.
/// </summary>
public static class SftTraining
{
    public static async Task<LtSftResult> TrainAsync<TBatch>(CliContext context, BaseModel model, Func<TBatch, Tensor> loss,
        ITrainingData<TBatch> data, LtSftOptions options, string output, bool overwrite,
        IReadOnlyDictionary<string, string> extraArguments, CancellationToken cancel,
        Func<TBatch, IDisposable?>? batchScope = null, Func<IDisposable?>? whileTraining = null,
        Func<IReadOnlyDictionary<string, double>>? evaluator = null)
    {
        OutputDirectory.CheckWritable(output, overwrite);
        evaluator = CheckedEvaluator(evaluator, options);
        // A body parameter the checkpoint lacks (a pooler new to a masked-LM checkpoint) starts from a random value that
        // nobody applying the SFT later could reproduce, so it cannot be a diff: it is trained densely and stored whole.
        // run_mlm.py's decoder surgery (a frozen or trainable copy of the embeddings) changes the table's roles.
        var table = DecoderSurgery.Apply(model.Model, options.Masking) ? ParameterTable.Build(model.Model) : model.Table;
        var parameters = table.Select(e => new TrainableParameter(e.Name, e.Tensor,
            e.Role == ParameterRole.Maskable && model.NotInCheckpoint.Contains(e.Name) ? ParameterRole.DenseHead : e.Role)).ToList();
        // The checksum covers the base values of exactly the tensors the SFT will have diffs for (the maskable ones).
        var maskable = options.Masking.Apply(parameters).Where(p => p.Role == ParameterRole.Maskable).Select(p => p.Name).ToList();
        long maskableCount = parameters.Where(p => maskable.Contains(p.Name)).Sum(p => p.Tensor.numel());
        if (options.TunableCount > maskableCount)
            throw new InvalidInputException($"--num-params {options.TunableCount} exceeds the {maskableCount} maskable parameters of this model (with the freezing options given)");
        var checksum = ModelChecksum.Compute(model.Parameters, maskable);
        // Only now (the checksum is of the base model) may e.g. a source-language SFT be applied for training.
        var run = new Dictionary<string, string>(extraArguments) { ["base_model"] = model.Name };
        foreach (var (key, value) in options.Describe()) run[key] = value;
        var work = TrainingWorkDirectory.Open(output, options.Resume, overwrite, run);
        IDisposable? active;
        try { active = whileTraining?.Invoke(); }
        catch { work.Dispose(); throw; }
        var trained = await TrainingProgressRenderer.RunAsync(context.ErrorConsole, progress => Task.Run(() =>
        {
            using (work)
            {
                var temporary = work.Path;
                var trainer = new LtSftTrainer<TBatch>(model.Module, parameters, loss, data, options with { OutputDirectory = temporary })
                {
                    BatchScope = batchScope,
                    Evaluator = evaluator,
                    Progress = new Reporter(p => progress.Report(p.Step, p.TotalSteps, p.Loss, p.LearningRate,
                        (p.Phase == TrainingPhase.Full ? "full fine-tuning" : "sparse fine-tuning") + (p.Iterations > 1 ? $" {p.Iteration}/{p.Iterations}" : ""))),
                };
                LtSftResult result;
                try { result = trainer.Train(cancel); }
                catch (Exception) when (!cancel.IsCancellationRequested)
                {
                    work.Abandon();
                    throw;
                }
                catch (OperationCanceledException e)
                {
                    throw new RunInterruptedException($"interrupted: the checkpoint is in {temporary}; run the same command with --resume to continue " +
                                                      "(the result will equal an uninterrupted run), or with --overwrite to start afresh", e);
                }
                finally { active?.Dispose(); }
                var arguments = new Dictionary<string, string>(result.Sft.Metadata.TrainingArguments);
                foreach (var (key, value) in extraArguments) arguments[key] = value;
                bool sameTensors = result.Sft.Diffs.Keys.Order(StringComparer.Ordinal).SequenceEqual(maskable.Order(StringComparer.Ordinal));
                var sft = result.Sft.WithMetadata(result.Sft.Metadata with
                {
                    BaseModel = model.Name,
                    BaseModelChecksum = sameTensors ? checksum : null,
                    TrainingArguments = arguments,
                });
                SftFile.Save(sft, Path.Combine(temporary, SftPaths.SftFileName));
                work.Publish(output);
                return result with { Sft = sft };
            }
        }, CancellationToken.None)); // always started: the trainer itself stops at an update boundary and checkpoints
        if (ConcentrationWarning(SftFootprint.Of(trained.Sft)) is { } warning) context.Error.WriteLine(warning);
        return trained;
    }

    /// <summary>The warning for an SFT with more than half of K in one tensor (<see cref="SftFootprint.IsConcentrated"/>), else null.</summary>
    public static string? ConcentrationWarning(SftFootprint footprint) =>
        footprint.IsConcentrated
            ? $"warning: {(100 * footprint.LargestTensorShare).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)}% of K ({footprint.LargestTensorCount} of {footprint.Total} changed parameters) " +
              $"falls in one tensor, '{footprint.LargestTensor}'; see `dslsft inspect` for where the rest lies"
            : null;

    /// <summary>
    /// The evaluator with usage mistakes turned into <see cref="InvalidInputException"/>s: evaluation asked for
    /// (--eval-every, --best-metric) with no validation data, or a --best-metric the evaluation does not report.
    /// </summary>
    private static Func<IReadOnlyDictionary<string, double>>? CheckedEvaluator(Func<IReadOnlyDictionary<string, double>>? evaluator, LtSftOptions options)
    {
        if (evaluator is null)
        {
            if (options.EvaluateEvery > 0 || options.LoadBestAtEnd)
                throw new InvalidInputException("--eval-every and --best-metric need validation data (--validation)");
            return null;
        }
        if (!options.LoadBestAtEnd) return evaluator;
        return () =>
        {
            var metrics = evaluator();
            return metrics.ContainsKey(options.BestMetric) ? metrics
                : throw new InvalidInputException($"--best-metric {options.BestMetric}: the validation reports {string.Join(", ", metrics.Keys)}");
        };
    }

    /// <summary>A synchronous <see cref="IProgress{T}"/> (System.Progress would post to a thread pool and reorder reports).</summary>
    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
