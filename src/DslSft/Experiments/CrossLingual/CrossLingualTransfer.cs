using System.Diagnostics;
using DslSft.Data.Mlm;
using DslSft.Data.Text;
using DslSft.Engine;
using DslSft.Models;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Sft.Operations;
using DslSft.Tokenization;
using DslSft.Training;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Experiments.CrossLingual;

/// <summary>
/// Zero-shot cross-lingual POS transfer by composing fine-tunings (Ansell et al., 2022, §3):
/// <list type="number">
/// <item>a language fine-tuning per language by masked LM on its raw text, from the base model (the MLM decoder a frozen
/// copy of the pre-trained embeddings, as run_mlm.py --freeze_decoder);</item>
/// <item>a task fine-tuning on source-language labelled data, trained with the source language's fine-tuning
/// applied (so the task fine-tuning learns the task, not the language), once per seed;</item>
/// <item>evaluation on each target language with base + task (+ target language) fine-tunings composed, read back from
/// the stored files, so that <see cref="TransferOptions.EvaluateOnly"/> rebuilds exactly the same table.</item>
/// </list>
/// Each <see cref="TransferMethod"/> trains its own language and task fine-tunings, so LT-SFT, dense fine-tuning and
/// random masks are compared at equal step budgets. Trained fine-tunings are written to the output directory and
/// reused by later runs with the same settings; a run cut off mid-training continues from its checkpoint.
/// </summary>
public sealed class CrossLingualTransfer
{
    private readonly TransferSetup _setup;
    private readonly TransferOptions _options;
    private readonly Action<string> _log;
    private readonly List<TransferRun> _runs = new();
    private readonly Dictionary<string, MlmCorpus> _corpora = new();
    private ITextTokenizer _tokenizer = null!;
    private long _maskableCount;
    private string _baseKey = "";
    private Dictionary<string, Tensor>? _warmedUpHead;
    private List<PosExample>? _taskTrain;

    public CrossLingualTransfer(TransferSetup setup, TransferOptions options, Action<string>? log = null)
    {
        _setup = setup;
        _options = options;
        _log = log ?? (_ => { });
    }

    private IEnumerable<TransferLanguage> Languages => _setup.Targets.Prepend(_setup.Source);

    public TransferReport Run()
    {
        _setup.Validate(training: !_options.EvaluateOnly);
        var clock = Stopwatch.StartNew();
        _tokenizer = TokenizerLoader.FromDirectory(_setup.BaseModelDirectory);
        // Cached SFTs belong to one base model: its weights' hash is part of every cache key.
        using (var weights = File.OpenRead(HfModel.WeightsFile(_setup.BaseModelDirectory)))
            _baseKey = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(weights))[..12];

        // 1. Every fine-tuning the table rests on (trained unless its file exists), most important first.
        var languageNames = new Dictionary<(TransferMethod, string), string>();
        var taskNames = new Dictionary<(TransferMethod, int), string>();
        foreach (var method in _options.Methods)
        {
            // A matched random mask takes each tensor's K from the LT-SFT fine-tuning of the same language or task.
            bool matched = method == TransferMethod.RandomMask && _options.RandomMaskMatchesLtSft && _options.Methods.Contains(TransferMethod.LtSft);
            foreach (var language in Languages)
                languageNames[(method, language.Code)] = EnsureLanguageSft(method, language,
                    matched ? Allocation(languageNames[(TransferMethod.LtSft, language.Code)]) : null);
            foreach (var seed in _options.SeedsOf(method))
                taskNames[(method, seed)] = EnsureTaskSft(method, seed, languageNames[(method, _setup.Source.Code)],
                    matched ? Allocation(taskNames[(TransferMethod.LtSft, _options.Seed)]) : null);
        }
        string? fullFineTuning = _options.IncludeFullFineTuning ? EnsureTaskSft(TransferMethod.Dense, _options.Seed, languageSft: null, allocation: null) : null;

        // 2. The table, from the stored files.
        var tests = new Dictionary<string, List<PosExample>>();
        foreach (var language in Languages.Where(l => l.TestFile is not null))
        {
            tests[language.Code] = TransferCorpus.PosExamples(_tokenizer, language.TestFile!, null, _options.MaxTestSentences, out _);
            _log($"test data {language.Code}: {tests[language.Code].Count} sentences, {tests[language.Code].Sum(e => e.Words)} words");
        }
        var rows = new List<TransferRow>();
        using var evaluator = LoadTaskModel(_options.Seed);
        _maskableCount = ParameterTable.Build(evaluator).WithRole(ParameterRole.Maskable).Sum(e => e.Size);
        if (fullFineTuning is not null)
            rows.Add(Evaluate(evaluator, "full fine-tuning", "task only (no language adaptation)", [fullFineTuning], null, tests));
        foreach (var method in _options.Methods)
        {
            var tasks = _options.SeedsOf(method).Select(seed => taskNames[(method, seed)]).ToList();
            var languages = Languages.ToDictionary(l => l.Code, l => languageNames[(method, l.Code)]);
            rows.Add(Evaluate(evaluator, method.Display(), "task only", tasks, null, tests));
            rows.Add(Evaluate(evaluator, method.Display(), "task + target language", tasks, languages, tests));
            // The control the paper's claim needs: the same task SFTs with the dense language fine-tuning instead.
            if (method == TransferMethod.LtSft && _options.Methods.Contains(TransferMethod.Dense))
                rows.Add(Evaluate(evaluator, method.Display(), "task + dense target language (control)", tasks,
                    Languages.ToDictionary(l => l.Code, l => languageNames[(TransferMethod.Dense, l.Code)]), tests));
        }
        var languageRows = LanguageReport(languageNames);
        return new TransferReport(_setup.Source.Code, _setup.Targets.Select(t => t.Code).ToList(), rows, _runs.ToList(),
            _maskableCount, _options, clock.Elapsed.TotalSeconds) { Languages = languageRows };
    }

    /// <summary>
    /// One table row: each target with the task SFT of every seed (and the target's language SFT when given), the source
    /// likewise (with the source-language SFT); the mean and standard deviation over seeds.
    /// </summary>
    private TransferRow Evaluate(ITransformerModel model, string method, string composition, IReadOnlyList<string> tasks,
        IReadOnlyDictionary<string, string>? languages, Dictionary<string, List<PosExample>> tests)
    {
        var perSeed = tests.Keys.ToDictionary(code => code, _ => new List<double>());
        // Each language SFT is read once per row, not once per seed.
        var languageSfts = languages is null ? null : tests.Keys.ToDictionary(code => code, code => LoadSft(languages[code]));
        try
        {
            foreach (var taskName in tasks)
            {
                using var task = LoadSft(taskName);
                foreach (var (code, examples) in tests)
                    perSeed[code].Add(EvaluateComposition(model, examples, task.Sft, languageSfts?[code].Sft));
            }
        }
        finally
        {
            if (languageSfts is not null) foreach (var sft in languageSfts.Values) sft.Dispose();
        }
        var row = new TransferRow(method, composition,
            perSeed.ToDictionary(kv => kv.Key, kv => kv.Value.Average()))
        {
            StandardDeviation = perSeed.ToDictionary(kv => kv.Key, kv => StandardDeviation(kv.Value)),
            PerSeed = perSeed.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value),
        };
        _log($"{method}, {composition}: {string.Join(", ", row.Accuracy.Select(a => $"{a.Key} {a.Value:P2} ± {row.StandardDeviation[a.Key]:P2}"))} ({tasks.Count} seed{(tasks.Count == 1 ? "" : "s")})");
        return row;
    }

    /// <summary>Sample standard deviation (n − 1); 0 for a single value.</summary>
    private static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
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

    /// <summary>Validation masked-LM loss of the base model and of every language fine-tuning, with where its K lies.</summary>
    private List<LanguageAdaptation> LanguageReport(Dictionary<(TransferMethod, string), string> names)
    {
        var result = new List<LanguageAdaptation>();
        foreach (var language in Languages)
        {
            if (!File.Exists(language.TextFile))
            {
                _log($"language {language.Code}: no text at {language.TextFile}, so no validation loss (scripts/prepare-experiment-data.sh makes it)");
                continue;
            }
            double baseLoss = ValidationLoss(language, null);
            foreach (var method in _options.Methods)
            {
                using var sft = LoadSft(names[(method, language.Code)]);
                double loss = ValidationLoss(language, sft.Sft);
                var footprint = SftFootprint.Of(sft.Sft);
                result.Add(new LanguageAdaptation(language.Code, method, loss, baseLoss, footprint));
                _log($"language {language.Code} {method.Display()}: validation MLM loss {baseLoss:F3} (base) → {loss:F3}; " +
                     $"K in embeddings {footprint.EmbeddingShare:P1}, largest tensor {footprint.LargestTensor} {footprint.LargestTensorShare:P1}");
            }
        }
        return result;
    }

    /// <summary>The held-out masked-LM loss of the base model (with the warmed-up head) plus <paramref name="sft"/>, decoder at the base embeddings.</summary>
    private double ValidationLoss(TransferLanguage language, SparseFineTuning? sft)
    {
        using var model = LoadLanguageModel(_options.Seed);
        if (sft is not null)
            SftOperations.Apply(sft, ParameterTable.Build(model).Tensors, new SftApplyOptions { VerifyBaseModel = false });
        var corpus = Corpus(language);
        return corpus.ValidationLoss(model, MlmCorpus.Collator(_tokenizer, _options.Seed), _options.LanguageBatch);
    }

    /// <summary>The masked-LM model as every language run starts: seeded, the warmed-up head applied, the decoder surgery done.</summary>
    private ITransformerModel LoadLanguageModel(int seed)
    {
        manual_seed(seed);
        var loaded = HfModel.Load(_setup.BaseModelDirectory, ModelHead.MaskedLM);
        var model = loaded.Model;
        if (_options.MlmHeadWarmupSteps > 0 && MlmHeadWarmup.IsNeeded(loaded)) MlmHeadWarmup.Apply(model, WarmedUpHead());
        DecoderSurgery.Apply(model, Masking);
        manual_seed(seed); // the run draws the same dropout masks with or without a warm-up
        return model;
    }

    private MaskingPolicy Masking => new() { FreezeLayerNorm = _options.FreezeLayerNorm, FreezeDecoder = _options.FreezeDecoder };

    /// <summary>The language's text as masked-LM blocks: the first <see cref="TransferOptions.LanguageValidationPercent"/>% of lines held out.</summary>
    private MlmCorpus Corpus(TransferLanguage language)
    {
        if (_corpora.TryGetValue(language.Code, out var known)) return known;
        var lines = RawTextReader.Read(language.TextFile);
        if (_options.MaxTextLines is { } max) lines = lines.Take(max);
        var all = lines.ToList();
        int heldOut = RawTextReader.HeldOutCount(all.Count, _options.LanguageValidationPercent);
        var corpus = MlmCorpus.Build(_tokenizer, all.Skip(heldOut), all.Take(heldOut), _options.LanguageLength, lineByLine: false);
        if (corpus.Train.Count == 0) throw new InvalidInputException($"no masked-LM blocks of {_options.LanguageLength} tokens in the text", language.TextFile);
        if (corpus.Validation.Count == 0) throw new InvalidInputException($"the held-out {_options.LanguageValidationPercent}% of the text gives no block of {_options.LanguageLength} tokens", language.TextFile);
        corpus = corpus.WithValidationLimit(_options.LanguageValidationBlocks);
        _log($"language {language.Code}: {corpus.Train.Count} training and {corpus.Validation.Count} validation blocks of {_options.LanguageLength} tokens from {all.Count} lines of {language.TextFile}");
        return _corpora[language.Code] = corpus;
    }

    /// <summary>Stored entries per tensor of the SFT <paramref name="name"/> (read lazily: only a run that trains needs it).</summary>
    private Func<IReadOnlyDictionary<string, long>> Allocation(string name) => () =>
    {
        using var sft = LoadSft(name);
        return sft.Sft.Diffs.ToDictionary(d => d.Key, d => d.Value.Count);
    };

    private string EnsureLanguageSft(TransferMethod method, TransferLanguage language, Func<IReadOnlyDictionary<string, long>>? allocation)
    {
        var name = $"language-{language.Code}-{_options.LanguageKey(method)}-base{_baseKey}";
        Ensure(name, method, () =>
        {
            var corpus = Corpus(language);
            var collator = MlmCorpus.Collator(_tokenizer, _options.Seed);
            using var model = LoadLanguageModel(_options.Seed);
            _log($"training {name}");
            Func<IReadOnlyDictionary<string, double>> evaluator = () =>
                new Dictionary<string, double> { ["loss"] = corpus.ValidationLoss(model, collator, _options.LanguageBatch) };
            return Train(name, method, "language", language.Code, model, corpus.TrainingData(collator, _options.LanguageBatch, _options.Seed),
                _options.LanguageDensity, _options.LanguageFullPhase, _options.LanguageSparsePhase, _options.LanguageLearningRate, _options.Seed,
                evaluator, _options.LanguageEvaluateEvery, allocation?.Invoke());
        });
        return name;
    }

    /// <summary>The base model's MLM head trained on source-language text (cached in the output directory).</summary>
    private Dictionary<string, Tensor> WarmedUpHead()
    {
        if (_warmedUpHead is not null) return _warmedUpHead;
        string? path = _options.OutputDirectory is null ? null
            : Path.Combine(_options.OutputDirectory, "sfts", $"mlm-head-{_setup.Source.Code}{_options.HeadWarmupKey}-b{_options.LanguageBatch}-len{_options.LanguageLength}-s{_options.Seed}-base{_baseKey}.safetensors");
        if (path is not null && File.Exists(path))
            return _warmedUpHead = new Dictionary<string, Tensor>(SafeTensorsFile.Read(path).Tensors);
        if (_options.EvaluateOnly) throw new InvalidInputException("--evaluate-only: the warmed-up MLM head is missing", path ?? "(no output directory)");
        var corpus = Corpus(_setup.Source);
        var collator = MlmCorpus.Collator(_tokenizer, _options.Seed);
        manual_seed(_options.Seed);
        using var model = HfModel.Load(_setup.BaseModelDirectory, ModelHead.MaskedLM).Model;
        var clock = Stopwatch.StartNew();
        _warmedUpHead = MlmHeadWarmup.Train(model, corpus.TrainingData(collator, _options.LanguageBatch, _options.Seed),
            _options.MlmHeadWarmupSteps, _options.MlmHeadWarmupLearningRate, _log, out var finalLoss);
        _runs.Add(new TransferRun("mlm-head-warmup-" + _setup.Source.Code, TransferMethod.Dense, "mlm head", _setup.Source.Code, 0, 0,
            _options.MlmHeadWarmupSteps, 0, clock.Elapsed.TotalSeconds, finalLoss, Cached: false));
        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            SafeTensorsFile.Write(path, _warmedUpHead);
        }
        return _warmedUpHead;
    }

    private string EnsureTaskSft(TransferMethod method, int seed, string? languageSft, Func<IReadOnlyDictionary<string, long>>? allocation)
    {
        // A task SFT depends on the language SFT it was trained under: its key names that one's settings too.
        var name = languageSft is null
            ? $"task-plain-{_options.TaskKey(method, seed)}-base{_baseKey}"
            : $"task-{_setup.Source.Code}-{_options.TaskKey(method, seed)}-lang{ShortHash(_options.LanguageKey(method))}-base{_baseKey}";
        Ensure(name, method, () =>
        {
            _taskTrain ??= TransferCorpus.PosExamples(_tokenizer, _setup.TaskTrainFile, _options.MaxLength, _options.MaxTrainSentences, out int dropped);
            using var model = LoadTaskModel(seed);
            if (languageSft is not null)
            {
                using var language = LoadSft(languageSft);
                SftOperations.Apply(language.Sft, ParameterTable.Build(model).Tensors, new SftApplyOptions { WithAbs = false, VerifyBaseModel = false });
            }
            var data = new ShuffledTrainingData<PosExample, ModelBatch>(_taskTrain, _options.BatchSize, batch => TransferCorpus.PosBatch(batch, _tokenizer.PadTokenId), seed);
            _log($"training {name}: {_taskTrain.Count} sentences, {data.BatchesPerEpoch} batches per epoch");
            return Train(name, method, "task", _setup.Source.Code, model, data, _options.TaskDensity,
                _options.TaskFullPhase, _options.TaskSparsePhase, _options.TaskLearningRate, seed, null, 0, allocation?.Invoke());
        });
        return name;
    }

    /// <summary>The base model with a freshly (but deterministically) initialised UPOS classifier.</summary>
    private ITransformerModel LoadTaskModel(int seed)
    {
        manual_seed(seed);
        return HfModel.Load(_setup.BaseModelDirectory, ModelHead.TokenClassification,
            new HfLoadOptions { NumLabels = TransferCorpus.Labels.Count }).Model;
    }

    private SparseFineTuning Train(string name, TransferMethod method, string kind, string language, ITransformerModel model,
        ITrainingData<ModelBatch> data, double density, PhaseLength full, PhaseLength sparse, double learningRate, int seed,
        Func<IReadOnlyDictionary<string, double>>? evaluator, long evaluateEvery, IReadOnlyDictionary<string, long>? allocation)
    {
        var checkpoints = _options.OutputDirectory is null ? null : Path.Combine(_options.OutputDirectory, "checkpoints", name);
        var options = TrainerOptions(method, density, full, sparse, learningRate, seed, allocation) with
        {
            OutputDirectory = checkpoints,
            CheckpointEvery = _options.CheckpointEvery,
            Resume = checkpoints is not null,
            EvaluateEvery = evaluateEvery,
        };
        var parameters = ParameterTable.Build(model).Select(e => new TrainableParameter(e.Name, e.Tensor, e.Role)).ToList();
        var trainer = new LtSftTrainer<ModelBatch>(model.Module, parameters, batch => model.Forward(batch).TrainingLoss(), data, options) { Evaluator = evaluator };
        var clock = Stopwatch.StartNew();
        var result = trainer.Train();
        var seconds = clock.Elapsed.TotalSeconds;
        var losses = result.Log.Where(e => e.Event == "step" && e.Loss is not null).ToList();
        var run = new TransferRun(name, method, kind, language, result.K, trainer.MaskableCount,
            losses.Count(e => e.Phase == "full"), losses.Count(e => e.Phase == "sparse"), seconds,
            losses.Count > 0 ? losses[^1].Loss!.Value : double.NaN, Cached: false)
        {
            ValidationLoss = result.LastEvaluation is { } metrics && metrics.TryGetValue("loss", out var loss) ? loss : null,
        };
        _runs.Add(run);
        _log($"trained {name}: K = {result.K:N0} of {trainer.MaskableCount:N0}, {run.FullSteps} + {run.SparseSteps} steps, {seconds:F1} s, final loss {run.FinalLoss:F3}" +
             (run.ValidationLoss is { } v ? $", validation loss {v:F3}" : ""));
        if (_options.OutputDirectory is { } output)
        {
            var logs = Path.Combine(output, "logs");
            Directory.CreateDirectory(logs);
            new TrainingLog(Path.Combine(logs, name + ".jsonl")).Reset(result.Log);
            LossPlot.Save(result.Log, Path.Combine(logs, name + ".png"));
        }
        // The SFT file will be the record; the checkpoint it was resumable from is not needed any more.
        if (checkpoints is not null && Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true);
        // Rows a dense fine-tuning never changed (embedding rows of tokens the text does not contain) are not stored.
        return method == TransferMethod.Dense ? result.Sft.WithoutZeroRows() : result.Sft;
    }

    /// <summary>
    /// The engine's options for a method. Dense fine-tuning is the engine's random selection with K = every maskable
    /// entry: a single phase that trains everything, as long as LT-SFT's full phase. The random-mask baseline is one
    /// sparse phase on K random entries (per tensor as many as <paramref name="allocation"/> says, when given), as long as
    /// LT-SFT's sparse phase.
    /// </summary>
    private LtSftOptions TrainerOptions(TransferMethod method, double density, PhaseLength full, PhaseLength sparse, double learningRate, int seed,
        IReadOnlyDictionary<string, long>? allocation)
    {
        var common = new LtSftOptions
        {
            LearningRate = learningRate,
            Seed = seed,
            FullL1 = _options.L1,
            SparseL1 = _options.L1,
            L1Mode = _options.L1Mode,
            Masking = Masking,
            LogEvery = 1,
        };
        return method switch
        {
            TransferMethod.LtSft => common with { Method = SelectionMethod.LotteryTicket, TunableProportion = density, FullPhase = full, SparsePhase = sparse },
            TransferMethod.Dense => common with { Method = SelectionMethod.Random, TunableProportion = 1.0, SparsePhase = full },
            TransferMethod.RandomMask when allocation is not null => common with
            {
                Method = SelectionMethod.Random, TunableCount = allocation.Values.Sum(), RandomCountPerTensor = allocation, SparsePhase = sparse,
            },
            TransferMethod.RandomMask => common with { Method = SelectionMethod.Random, TunableProportion = density, SparsePhase = sparse },
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
        };
    }

    private static string ShortHash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..12];

    private string SftPath(string name) => Path.Combine(_options.OutputDirectory ?? throw new InvalidOperationException("no output directory"), "sfts", name + ".sft.safetensors");

    /// <summary>Trains and stores the SFT <paramref name="name"/> unless its file exists.</summary>
    private void Ensure(string name, TransferMethod method, Func<SparseFineTuning> train)
    {
        if (_options.OutputDirectory is null) throw new InvalidOperationException("the transfer experiment needs an output directory for its SFTs");
        var path = SftPath(name);
        if (File.Exists(path))
        {
            _log($"reusing {path}");
            _runs.Add(new TransferRun(name, default, "", "", 0, 0, 0, 0, 0, double.NaN, Cached: true));
            var wanted = StorageFor(method == TransferMethod.Dense);
            if (!_options.EvaluateOnly && SftFile.ReadStorage(path) is var stored && stored != wanted && (stored == SftStorage.Full || wanted == SftStorage.CompactQ4))
            {
                // Stored before this storage was asked for: rewritten once (only ever to a smaller storage), so that the
                // table rests on what is kept.
                using var old = LoadSft(name);
                Store(old.Sft, path, method == TransferMethod.Dense);
                _log($"rewrote {path} as {wanted}");
            }
            return;
        }
        if (_options.EvaluateOnly) throw new InvalidInputException($"--evaluate-only: the SFT '{name}' is not in the output directory", path);
        using var sft = new DisposableSft(train());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Store(sft.Sft, path, method == TransferMethod.Dense);
    }

    /// <summary>
    /// Writes an SFT in the configured storage. Compactly, a dense fine-tuning's diff (once the rows it never changed are
    /// dropped) is stored by row numbers instead of per-entry indices: its touched rows are completed with zeros.
    /// </summary>
    private void Store(SparseFineTuning sft, string path, bool dense)
    {
        if (!_options.CompactStorage || !dense) SftFile.Save(sft, path, StorageFor(dense));
        else
        {
            using var rows = new DisposableSft(sft.WithCompleteRows());
            SftFile.Save(rows.Sft, path, StorageFor(dense));
        }
    }

    private SftStorage StorageFor(bool dense) =>
        !_options.CompactStorage ? SftStorage.Full : dense ? _options.DenseStorage : SftStorage.Compact;

    private DisposableSft LoadSft(string name) => new(SftFile.Load(SftPath(name)));

    /// <summary>An SFT whose tensors are released when the evaluation that loaded it is done (dense ones are ~100 MB).</summary>
    private sealed class DisposableSft(SparseFineTuning sft) : IDisposable
    {
        public SparseFineTuning Sft { get; } = sft;

        public void Dispose()
        {
            foreach (var diff in Sft.Diffs.Values) { diff.Indices.Dispose(); diff.Values.Dispose(); }
            foreach (var abs in Sft.Abs.Values) abs.Dispose();
        }
    }
}
