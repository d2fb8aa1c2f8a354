using System.Diagnostics;
using DslSft.Data.Mlm;
using DslSft.Engine;
using DslSft.Models;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Sft.Operations;
using DslSft.Tokenization;
using DslSft.Training;
using static TorchSharp.torch;

namespace DslSft.Experiments.CrossLingual;

/// <summary>
/// Zero-shot cross-lingual POS transfer by composing fine-tunings (Ansell et al., 2022, §3):
/// <list type="number">
/// <item>a language fine-tuning per language by masked LM on its raw text, from the base model;</item>
/// <item>a task fine-tuning on source-language labelled data, trained with the source language's fine-tuning
/// applied (so the task fine-tuning learns the task, not the language);</item>
/// <item>evaluation on each target language with base + task (+ target language) fine-tunings composed.</item>
/// </list>
/// Each <see cref="TransferMethod"/> trains its own language and task fine-tunings, so LT-SFT, dense fine-tuning and
/// random masks are compared at equal step budgets. Trained fine-tunings are written to the output directory and
/// reused by later runs with the same settings.
/// </summary>
public sealed class CrossLingualTransfer
{
    private readonly TransferSetup _setup;
    private readonly TransferOptions _options;
    private readonly Action<string> _log;
    private readonly List<TransferRun> _runs = new();
    private ITextTokenizer _tokenizer = null!;
    private long _maskableCount;
    private string _baseKey = "";
    private Dictionary<string, Tensor>? _warmedUpHead;

    public CrossLingualTransfer(TransferSetup setup, TransferOptions options, Action<string>? log = null)
    {
        _setup = setup;
        _options = options;
        _log = log ?? (_ => { });
    }

    public TransferReport Run()
    {
        _setup.Validate();
        var clock = Stopwatch.StartNew();
        _tokenizer = TokenizerLoader.FromDirectory(_setup.BaseModelDirectory);
        // Cached SFTs belong to one base model: its weights' hash is part of every cache key.
        using (var weights = File.OpenRead(HfModel.WeightsFile(_setup.BaseModelDirectory)))
            _baseKey = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(weights))[..12];

        var train = TransferCorpus.PosExamples(_tokenizer, _setup.TaskTrainFile, _options.MaxLength, _options.MaxTrainSentences, out int dropped);
        _log($"task data: {train.Count} sentences from {_setup.TaskTrainFile}" + (dropped > 0 ? $" ({dropped} longer than {_options.MaxLength} tokens dropped)" : ""));
        var tests = new Dictionary<string, List<PosExample>>();
        foreach (var language in _setup.Targets.Prepend(_setup.Source).Where(l => l.TestFile is not null))
        {
            tests[language.Code] = TransferCorpus.PosExamples(_tokenizer, language.TestFile!, null, _options.MaxTestSentences, out _);
            _log($"test data {language.Code}: {tests[language.Code].Count} sentences, {tests[language.Code].Sum(e => e.Words)} words");
        }

        var rows = new List<TransferRow>();
        using var evaluator = LoadTaskModel();
        _maskableCount = ParameterTable.Build(evaluator).WithRole(ParameterRole.Maskable).Sum(e => e.Size);

        if (_options.IncludeFullFineTuning)
        {
            var fullFineTuning = TaskSft(TransferMethod.Dense, languageSft: null);
            rows.Add(Evaluate(evaluator, "full fine-tuning", "task only (no language adaptation)", fullFineTuning, null, tests, null));
        }
        foreach (var method in _options.Methods)
        {
            var languages = _setup.Targets.Prepend(_setup.Source).ToDictionary(l => l.Code, l => LanguageSft(method, l));
            var task = TaskSft(method, languages[_setup.Source.Code]);
            rows.Add(Evaluate(evaluator, method.Display(), "task only", task, null, tests, null));
            rows.Add(Evaluate(evaluator, method.Display(), "task + target language", task, languages, tests, languages[_setup.Source.Code]));
        }
        return new TransferReport(_setup.Source.Code, _setup.Targets.Select(t => t.Code).ToList(), rows, _runs.ToList(),
            _maskableCount, _options, clock.Elapsed.TotalSeconds);
    }

    /// <summary>One table row: each target with the task SFT (and its own language SFT when given), the source likewise.</summary>
    private TransferRow Evaluate(ITransformerModel model, string method, string composition, SparseFineTuning task,
        IReadOnlyDictionary<string, SparseFineTuning>? languages, Dictionary<string, List<PosExample>> tests, SparseFineTuning? sourceLanguage)
    {
        var accuracy = new Dictionary<string, double>();
        foreach (var (code, examples) in tests)
        {
            var language = code == _setup.Source.Code ? sourceLanguage : languages?.GetValueOrDefault(code);
            accuracy[code] = EvaluateComposition(model, examples, task, language);
        }
        var row = new TransferRow(method, composition, accuracy);
        _log($"{method}, {composition}: {string.Join(", ", accuracy.Select(a => $"{a.Key} {a.Value:P2}"))}");
        return row;
    }

    /// <summary>Applies task (with its classifier) and language diffs to the base weights, scores, and reverts exactly.</summary>
    private double EvaluateComposition(ITransformerModel model, List<PosExample> examples, SparseFineTuning task, SparseFineTuning? language)
    {
        var parameters = ParameterTable.Build(model).Tensors;
        // The task SFT was trained on base + source-language SFT; it is applied to the bare base (or base + target
        // language) on purpose, so the base-model checksum in its metadata cannot match.
        var applied = new List<AppliedSft> { SftOperations.Apply(task, parameters, new SftApplyOptions { VerifyBaseModel = false }) };
        if (language is not null)
            applied.Add(SftOperations.Apply(language, parameters, new SftApplyOptions { WithAbs = false, VerifyBaseModel = false }));
        try
        {
            return PosAccuracy.Evaluate(model, examples, _tokenizer.PadTokenId);
        }
        finally
        {
            for (int i = applied.Count - 1; i >= 0; i--) applied[i].Revert();
        }
    }

    private SparseFineTuning LanguageSft(TransferMethod method, TransferLanguage language)
    {
        var name = $"language-{language.Code}-{_options.LanguageKey(method)}-base{_baseKey}";
        return Cached(name, () =>
        {
            var data = MlmData(language.TextFile, out int lines);
            manual_seed(_options.Seed);
            var loaded = HfModel.Load(_setup.BaseModelDirectory, ModelHead.MaskedLM);
            using var model = loaded.Model;
            if (_options.MlmHeadWarmupSteps > 0 && MlmHeadWarmup.IsNeeded(loaded))
            {
                MlmHeadWarmup.Apply(model, WarmedUpHead());
                manual_seed(_options.Seed); // the language run draws the same dropout masks with or without a warm-up
            }
            _log($"training {name}: {lines} lines of {language.TextFile}");
            return Train(name, method, "language", language.Code, model, data, _options.LanguageDensity,
                _options.LanguageFullPhase, _options.LanguageSparsePhase, _options.LanguageLearningRate);
        });
    }

    /// <summary>Masked-LM batches over the lines of <paramref name="textFile"/>, shuffled and masked under the run's seed.</summary>
    private ShuffledTrainingData<long[], ModelBatch> MlmData(string textFile, out int lines)
    {
        var sequences = TransferCorpus.MlmSequences(_tokenizer, textFile, _options.MaxLength, _options.MaxTextLines);
        lines = sequences.Count;
        var collator = new MlmCollator(_tokenizer.VocabularySize, _tokenizer.MaskTokenId, _tokenizer.PadTokenId,
            _tokenizer.SpecialTokenIds.Select(id => (long)id), _options.Seed);
        return new ShuffledTrainingData<long[], ModelBatch>(sequences, _options.BatchSize, batch => TransferCorpus.MlmBatch(collator, batch), _options.Seed);
    }

    /// <summary>The base model's MLM head trained on source-language text (cached in the output directory).</summary>
    private Dictionary<string, Tensor> WarmedUpHead()
    {
        if (_warmedUpHead is not null) return _warmedUpHead;
        string? path = _options.OutputDirectory is null ? null
            : Path.Combine(_options.OutputDirectory, "sfts", $"mlm-head-{_setup.Source.Code}{_options.HeadWarmupKey}-b{_options.BatchSize}-len{_options.MaxLength}-s{_options.Seed}-base{_baseKey}.safetensors");
        if (path is not null && File.Exists(path))
        {
            _log($"reusing {path}");
            return _warmedUpHead = new Dictionary<string, Tensor>(SafeTensorsFile.Read(path).Tensors);
        }
        var data = MlmData(_setup.Source.TextFile, out _);
        manual_seed(_options.Seed);
        using var model = HfModel.Load(_setup.BaseModelDirectory, ModelHead.MaskedLM).Model;
        var clock = Stopwatch.StartNew();
        _warmedUpHead = MlmHeadWarmup.Train(model, data, _options.MlmHeadWarmupSteps, _options.MlmHeadWarmupLearningRate, _log, out var finalLoss);
        _runs.Add(new TransferRun("mlm-head-warmup-" + _setup.Source.Code, TransferMethod.Dense, "mlm head", _setup.Source.Code, 0, 0,
            _options.MlmHeadWarmupSteps, 0, clock.Elapsed.TotalSeconds, finalLoss, Cached: false));
        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            SafeTensorsFile.Write(path, _warmedUpHead);
        }
        return _warmedUpHead;
    }

    private SparseFineTuning TaskSft(TransferMethod method, SparseFineTuning? languageSft)
    {
        // A task SFT depends on the language SFT it was trained under: its key names that one's settings too.
        var name = languageSft is null
            ? $"task-plain-{_options.TaskKey(method)}-base{_baseKey}"
            : $"task-{_setup.Source.Code}-{_options.TaskKey(method)}-lang{ShortHash(_options.LanguageKey(method))}-base{_baseKey}";
        return Cached(name, () =>
        {
            var train = TransferCorpus.PosExamples(_tokenizer, _setup.TaskTrainFile, _options.MaxLength, _options.MaxTrainSentences, out _);
            using var model = LoadTaskModel();
            if (languageSft is not null)
                SftOperations.Apply(languageSft, ParameterTable.Build(model).Tensors, new SftApplyOptions { WithAbs = false, VerifyBaseModel = false });
            var data = new ShuffledTrainingData<PosExample, ModelBatch>(train, _options.BatchSize, batch => TransferCorpus.PosBatch(batch, _tokenizer.PadTokenId), _options.Seed);
            _log($"training {name}: {train.Count} sentences");
            return Train(name, method, "task", _setup.Source.Code, model, data, _options.TaskDensity,
                _options.TaskFullPhase, _options.TaskSparsePhase, _options.TaskLearningRate);
        });
    }

    /// <summary>The base model with a freshly (but deterministically) initialised UPOS classifier.</summary>
    private ITransformerModel LoadTaskModel()
    {
        manual_seed(_options.Seed);
        return HfModel.Load(_setup.BaseModelDirectory, ModelHead.TokenClassification,
            new HfLoadOptions { NumLabels = TransferCorpus.Labels.Count }).Model;
    }

    private SparseFineTuning Train(string name, TransferMethod method, string kind, string language, ITransformerModel model,
        ITrainingData<ModelBatch> data, double density, PhaseLength full, PhaseLength sparse, double learningRate)
    {
        var options = TrainerOptions(method, density, full, sparse, learningRate);
        var parameters = ParameterTable.Build(model).Select(e => new TrainableParameter(e.Name, e.Tensor, e.Role)).ToList();
        var trainer = new LtSftTrainer<ModelBatch>(model.Module, parameters, batch => model.Forward(batch).TrainingLoss(), data, options);
        var clock = Stopwatch.StartNew();
        var result = trainer.Train();
        var seconds = clock.Elapsed.TotalSeconds;
        var losses = result.Log.Where(e => e.Event == "step" && e.Loss is not null).ToList();
        var run = new TransferRun(name, method, kind, language, result.K, trainer.MaskableCount,
            losses.Count(e => e.Phase == "full"), losses.Count(e => e.Phase == "sparse"), seconds,
            losses.Count > 0 ? losses[^1].Loss!.Value : double.NaN, Cached: false);
        _runs.Add(run);
        _log($"trained {name}: K = {result.K:N0} of {trainer.MaskableCount:N0}, {run.FullSteps} + {run.SparseSteps} steps, {seconds:F1} s, final loss {run.FinalLoss:F3}");
        if (_options.OutputDirectory is { } output)
        {
            var logs = Path.Combine(output, "logs");
            Directory.CreateDirectory(logs);
            new TrainingLog(Path.Combine(logs, name + ".jsonl")).Reset(result.Log);
            LossPlot.Save(result.Log, Path.Combine(logs, name + ".png"));
        }
        return result.Sft;
    }

    /// <summary>
    /// The engine's options for a method. Dense fine-tuning is the engine's random selection with K = every maskable
    /// entry: a single phase that trains everything, as long as LT-SFT's full phase. The random-mask baseline is one
    /// sparse phase on K random entries, as long as LT-SFT's sparse phase.
    /// </summary>
    private LtSftOptions TrainerOptions(TransferMethod method, double density, PhaseLength full, PhaseLength sparse, double learningRate)
    {
        var common = new LtSftOptions
        {
            LearningRate = learningRate,
            Seed = _options.Seed,
            FullL1 = _options.L1,
            SparseL1 = _options.L1,
            Masking = new MaskingPolicy { FreezeLayerNorm = _options.FreezeLayerNorm },
            LogEvery = 1,
        };
        return method switch
        {
            TransferMethod.LtSft => common with { Method = SelectionMethod.LotteryTicket, TunableProportion = density, FullPhase = full, SparsePhase = sparse },
            TransferMethod.Dense => common with { Method = SelectionMethod.Random, TunableProportion = 1.0, SparsePhase = full },
            TransferMethod.RandomMask => common with { Method = SelectionMethod.Random, TunableProportion = density, SparsePhase = sparse },
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
        };
    }

    private static string ShortHash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..12];

    private SparseFineTuning Cached(string name, Func<SparseFineTuning> train)
    {
        if (_options.OutputDirectory is null) return train();
        var path = Path.Combine(_options.OutputDirectory, "sfts", name + ".sft.safetensors");
        if (File.Exists(path))
        {
            _log($"reusing {path}");
            _runs.Add(new TransferRun(name, default, "", "", 0, 0, 0, 0, 0, double.NaN, Cached: true));
            return SftFile.Load(path);
        }
        var sft = train();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        SftFile.Save(sft, path);
        return sft;
    }
}
