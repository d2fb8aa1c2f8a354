using System.Diagnostics;
using DslSft.Data.Mlm;
using DslSft.Demo.World;
using DslSft.Engine;
using DslSft.Experiments.CrossLingual;
using DslSft.IO;
using DslSft.Models;
using DslSft.Models.Transformer;
using DslSft.Tokenization;
using DslSft.Training;
using static TorchSharp.torch;

namespace DslSft.Demo;

/// <summary>
/// `dslsft demo`: the paper's zero-shot cross-lingual recipe on a generated world, end to end:
/// <list type="number">
/// <item>generate the world and write it as real files (vocab.txt, raw text, CoNLL-U);</item>
/// <item>pretrain a small BERT by masked LM on both languages (the stand-in for mBERT) and save it as an HF model
/// directory with its tokenizer;</item>
/// <item>run <see cref="CrossLingualTransfer"/> on those files: language SFTs, a source-language task SFT, zero-shot
/// evaluation in the target language, for LT-SFT, dense fine-tuning and random masks.</item>
/// </list>
/// Every random choice is seeded, so a seed gives the same table on the same machine.
/// </summary>
public sealed class DemoPipeline(DemoOptions options, string outputDirectory, Action<string>? log = null)
{
    private readonly Action<string> _log = log ?? (_ => { });

    public const string WorldFolder = "world";
    public const string BaseModelFolder = "base-model";

    public DemoReport Run()
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(outputDirectory);

        var world = DemoWorld.Generate(options.World with { Seed = options.Seed });
        var worldDirectory = Path.Combine(outputDirectory, WorldFolder);
        DemoWorldFiles.Write(world, worldDirectory);
        _log($"world: {world.Vocabulary.Count} vocabulary entries; source {world.Source.Order.Describe()}; target {world.Target.Order.Describe()}; files in {worldDirectory}");

        var baseDirectory = Path.Combine(outputDirectory, BaseModelFolder);
        var (pretrainSeconds, pretrainLoss, parameterCount) = Pretrain(world, worldDirectory, baseDirectory);

        var transfer = new CrossLingualTransfer(Setup(world), options.Transfer with { Seed = options.Seed, OutputDirectory = outputDirectory }, _log).Run();
        return new DemoReport(transfer, pretrainSeconds, pretrainLoss, clock.Elapsed.TotalSeconds, outputDirectory, world.Vocabulary.Count, parameterCount);
    }

    /// <summary>The transfer table again from a finished run's files (world, base model, SFTs), training nothing.</summary>
    public TransferReport Evaluate()
    {
        var world = DemoWorld.Generate(options.World with { Seed = options.Seed });
        return new CrossLingualTransfer(Setup(world), options.Transfer with { Seed = options.Seed, OutputDirectory = outputDirectory, EvaluateOnly = true }, _log).Run();
    }

    private TransferSetup Setup(DemoWorld world)
    {
        var worldDirectory = Path.Combine(outputDirectory, WorldFolder);
        return new TransferSetup(Path.Combine(outputDirectory, BaseModelFolder),
            new TransferLanguage(world.Source.Code, Path.Combine(worldDirectory, DemoWorldFiles.TextFile(world.Source)), Path.Combine(worldDirectory, DemoWorldFiles.ConlluFile(world.Source, "test"))),
            [new TransferLanguage(world.Target.Code, Path.Combine(worldDirectory, DemoWorldFiles.TextFile(world.Target)), Path.Combine(worldDirectory, DemoWorldFiles.ConlluFile(world.Target, "test")))],
            Path.Combine(worldDirectory, DemoWorldFiles.ConlluFile(world.Source, "train")));
    }

    /// <summary>Masked-LM pretraining from random weights; saves an HF directory (config, weights, vocab.txt).</summary>
    private (double Seconds, double FinalLoss, long Parameters) Pretrain(DemoWorld world, string worldDirectory, string baseDirectory)
    {
        var config = new TransformerConfig
        {
            VocabSize = world.Vocabulary.Count,
            HiddenSize = options.HiddenSize,
            NumHiddenLayers = options.Layers,
            NumAttentionHeads = options.AttentionHeads,
            IntermediateSize = options.IntermediateSize,
            MaxPositionEmbeddings = Math.Max(64, options.Transfer.MaxLength),
        };
        manual_seed(options.Seed);
        using var model = HfModel.Create(config, ModelHead.MaskedLM);
        var table = ParameterTable.Build(model);
        InitializeLikeBert(table);

        // The tokenizer comes from the world's vocab.txt, through the same loader real models use.
        var tokenizerDirectory = Path.Combine(outputDirectory, ".tokenizer");
        Directory.CreateDirectory(tokenizerDirectory);
        File.Copy(Path.Combine(worldDirectory, DemoWorldFiles.VocabFile), Path.Combine(tokenizerDirectory, TokenizerLoader.WordPieceVocabFile), overwrite: true);
        var tokenizer = TokenizerLoader.FromDirectory(tokenizerDirectory);

        var sequences = PretrainingMix(world).Select(text => Array.ConvertAll(tokenizer.Encode(text, maxLength: options.Transfer.MaxLength).InputIds, id => (long)id)).ToList();
        var collator = MlmCorpus.Collator(tokenizer, options.Seed);
        var data = new ShuffledTrainingData<long[], ModelBatch>(sequences, options.PretrainBatchSize, batch => collator.Collate(batch).ToModelBatch(), options.Seed);
        // Dense training is the engine's random selection with K = every entry: one phase that updates all weights.
        var trainerOptions = new LtSftOptions
        {
            Method = SelectionMethod.Random,
            TunableProportion = 1.0,
            SparsePhase = PhaseLength.Steps(options.PretrainSteps),
            LearningRate = options.PretrainLearningRate,
            WarmupRatio = 0.05,
            Seed = options.Seed,
        };
        var parameters = table.Select(e => new TrainableParameter(e.Name, e.Tensor, e.Role)).ToList();
        var trainer = new LtSftTrainer<ModelBatch>(model.Module, parameters, batch => model.Forward(batch).TrainingLoss(), data, trainerOptions);
        _log($"pretraining a {options.Layers}-layer BERT (hidden {options.HiddenSize}, {table.TotalSize:N0} parameters) by masked LM for {options.PretrainSteps} steps on {sequences.Count} sentences");
        var clock = Stopwatch.StartNew();
        var result = trainer.Train();
        var seconds = clock.Elapsed.TotalSeconds;
        var losses = result.Log.Where(e => e.Event == "step" && e.Loss is not null).ToList();
        double finalLoss = losses.Count == 0 ? double.NaN : losses.TakeLast(Math.Min(50, losses.Count)).Average(e => e.Loss!.Value);
        _log($"pretrained in {seconds:F1} s, final MLM loss {finalLoss:F3}");

        var logs = Path.Combine(outputDirectory, "logs");
        Directory.CreateDirectory(logs);
        new TrainingLog(Path.Combine(logs, "pretrain.jsonl")).Reset(result.Log);
        LossPlot.Save(result.Log, Path.Combine(logs, "pretrain.png"));

        // The trained weights are in the model; save them with the tokenizer as an HF model directory.
        HfModel.Save(model, baseDirectory, overwrite: true);
        File.Copy(Path.Combine(tokenizerDirectory, TokenizerLoader.WordPieceVocabFile), Path.Combine(baseDirectory, TokenizerLoader.WordPieceVocabFile), overwrite: true);
        AtomicFile.WriteAllText(Path.Combine(baseDirectory, "tokenizer_config.json"), "{\n  \"do_lower_case\": true\n}\n");
        Directory.Delete(tokenizerDirectory, recursive: true);
        return (seconds, finalLoss, table.TotalSize);
    }

    /// <summary>
    /// HF's BertPreTrainedModel._init_weights (initializer_range 0.02): weights of linear and embedding layers from
    /// N(0, 0.02), biases zero, LayerNorm weight one. TorchSharp's module defaults (N(0, 1) embeddings) start masked LM
    /// with a loss near 22 instead of ln(vocabulary) and pretraining never catches up within the demo's budget.
    /// </summary>
    private static void InitializeLikeBert(ParameterTable table)
    {
        using var noGrad = no_grad();
        foreach (var entry in table)
        {
            if (entry.Role == ParameterRole.Tied) continue;
            var name = entry.Name;
            if (name.Contains("LayerNorm", StringComparison.Ordinal))
            {
                if (name.EndsWith("weight", StringComparison.Ordinal)) entry.Tensor.fill_(1);
                else entry.Tensor.zero_();
            }
            else if (name.EndsWith("bias", StringComparison.Ordinal)) entry.Tensor.zero_();
            else entry.Tensor.normal_(0, 0.02);
        }
    }

    /// <summary>All source text plus target text in the configured share, interleaved deterministically.</summary>
    private List<string> PretrainingMix(DemoWorld world)
    {
        double share = options.PretrainTargetShare;
        if (share is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), share, "the target share must be within [0, 1]");
        int targetCount = share >= 1 ? world.TargetText.Count
            : (int)Math.Min(world.TargetText.Count, Math.Round(world.SourceText.Count * share / (1 - share)));
        var mix = world.SourceText.Concat(world.TargetText.Take(targetCount)).ToList();
        return mix;
    }
}
