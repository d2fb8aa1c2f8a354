using System.Text.Json;
using System.Text.Json.Nodes;
using DslSft.IO;
using DslSft.Models.Checkpoints;
using DslSft.Models.Heads;
using DslSft.Models.Transformer;
using static TorchSharp.torch;

namespace DslSft.Models;

/// <summary>Options for <see cref="HfModel.Load"/>.</summary>
public sealed record HfLoadOptions
{
    /// <summary>A config.json to use instead of the directory's (e.g. a head's config with its labels).</summary>
    public string? ConfigFile { get; init; }

    /// <summary>More weight files loaded after the main one (e.g. a head's <c>head.safetensors</c>); later files win.</summary>
    public IReadOnlyList<string> ExtraWeightFiles { get; init; } = Array.Empty<string>();

    /// <summary>Overrides <c>num_labels</c> (a new classification head).</summary>
    public int? NumLabels { get; init; }

    /// <summary>Overrides the parser's number of relations.</summary>
    public int? NumRelations { get; init; }

    /// <summary>Accept checkpoints that lack encoder weights (they keep their random initialisation). Off by default: a base model must be complete.</summary>
    public bool AllowMissingEncoderWeights { get; init; }
}

/// <summary>A model loaded from an HF directory, with what the load found.</summary>
public sealed record LoadedModel(ITransformerModel Model, LoadReport Report, string Directory);

/// <summary>
/// Loading and saving HF model directories (<c>config.json</c> + <c>model.safetensors</c> or <c>pytorch_model.bin</c>)
/// for the BERT family (BERT, mBERT, MiniLM, RoBERTa, XLM-R) with any <see cref="ModelHead"/>.
/// </summary>
public static class HfModel
{
    public const string ConfigFileName = "config.json";
    public const string SafetensorsFileName = "model.safetensors";
    public const string PyTorchFileName = "pytorch_model.bin";

    /// <summary>Builds a randomly initialised model of the given head.</summary>
    public static ITransformerModel Create(TransformerConfig config, ModelHead head) => head switch
    {
        ModelHead.MaskedLM when config.UsesRobertaPositions => new XlmRobertaForMaskedLM(config),
        ModelHead.MaskedLM => new BertForMaskedLM(config),
        ModelHead.TokenClassification => new TokenClassificationModel(config),
        ModelHead.SequenceClassification when config.UsesRobertaPositions => new RobertaForSequenceClassification(config),
        ModelHead.SequenceClassification => new BertForSequenceClassification(config),
        ModelHead.QuestionAnswering => new QuestionAnsweringModel(config),
        ModelHead.DependencyParsing => new DependencyParsingModel(config),
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, null),
    };

    /// <summary>
    /// Loads <paramref name="directory"/>. The head is <paramref name="head"/> or, when null, the one config.json's
    /// <c>architectures</c> names. Encoder weights may come with or without the <c>bert.</c>/<c>roberta.</c> prefix;
    /// tied aliases absent from safetensors are re-tied. Head weights the files lack keep their initialisation and are
    /// listed in <see cref="LoadReport.Missing"/>; encoder weights the files lack are an error.
    /// </summary>
    public static LoadedModel Load(string directory, ModelHead? head = null, HfLoadOptions? options = null)
    {
        options ??= new HfLoadOptions();
        if (!System.IO.Directory.Exists(directory)) throw new InvalidInputException("model directory not found", directory);
        var configPath = options.ConfigFile ?? Path.Combine(directory, ConfigFileName);
        CheckModelType(configPath);
        var config = TransformerConfig.FromJsonFile(configPath);
        if (options.NumLabels is { } labels) config.NumLabels = labels;
        if (options.NumRelations is { } relations) config.ParserNumRelations = relations;
        var chosen = head ?? HeadFromArchitectures(configPath);

        var weightsPath = WeightsFile(directory);
        var tensors = StateDictLoader.ReadFile(weightsPath);
        foreach (var extra in options.ExtraWeightFiles)
            foreach (var (name, tensor) in StateDictLoader.ReadFile(extra)) tensors[name] = tensor;

        var model = Create(config, chosen);
        try
        {
            // A masked-LM saved with its own decoder (composed from a language SFT trained with the decoder frozen) says
            // tie_word_embeddings: false, as HF does; its decoder weight is then loaded apart from the embeddings.
            if (model is IMaskedLanguageModel mlm && !TiesWordEmbeddings(configPath)) mlm.UntieDecoder(freeze: false);
            var source = options.ExtraWeightFiles.Count == 0 ? weightsPath : string.Join(" + ", new[] { weightsPath }.Concat(options.ExtraWeightFiles));
            var report = StateDictLoader.Load(model, tensors, source, model.BasePrefix);
            // A missing pooler is not an incomplete encoder: HF's *ForMaskedLM checkpoints have none (add_pooling_layer=False),
            // and HF initialises it anew for sequence classification, as here (it stays in Missing for the caller to see).
            var missingBody = report.Missing.Where(n => n.StartsWith(model.BasePrefix + ".", StringComparison.Ordinal)
                && !n.StartsWith(model.BasePrefix + ".pooler.", StringComparison.Ordinal)).ToList();
            if (missingBody.Count > 0 && !options.AllowMissingEncoderWeights)
                throw new InvalidInputException(
                    $"{missingBody.Count} encoder tensors are missing (first: {string.Join(", ", missingBody.Take(5))}); is this a {config.ModelType} checkpoint?", weightsPath);
            return new LoadedModel(model, report, directory);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }

    /// <summary>
    /// Saves <paramref name="model"/> as an HF directory, atomically: config.json (<paramref name="baseConfigJson"/>
    /// updated with the model's configuration, plus <c>architectures</c>) and model.safetensors without tied aliases
    /// (<see cref="HfModelExport"/>, the one exporter).
    /// </summary>
    public static void Save(ITransformerModel model, string directory, string? baseConfigJson = null, bool overwrite = true) =>
        HfModelExport.Write(model, directory, baseConfigJson, tokenizerDirectory: null, overwrite);

    /// <summary>config.json's <c>tie_word_embeddings</c> (HF's default: true).</summary>
    private static bool TiesWordEmbeddings(string configPath) =>
        JsonNode.Parse(File.ReadAllText(configPath))?["tie_word_embeddings"] is not JsonValue value || !value.TryGetValue(out bool tied) || tied;

    /// <summary>The weights file of an HF directory: model.safetensors when present, else pytorch_model.bin.</summary>
    public static string WeightsFile(string directory)
    {
        var safetensors = Path.Combine(directory, SafetensorsFileName);
        if (File.Exists(safetensors)) return safetensors;
        var bin = Path.Combine(directory, PyTorchFileName);
        if (File.Exists(bin)) return bin;
        throw new InvalidInputException($"no weights: neither {SafetensorsFileName} nor {PyTorchFileName} is present", directory);
    }

    /// <summary>The config.json <c>model_type</c> values these architectures load (a missing model_type reads as bert).</summary>
    public static IReadOnlyList<string> KnownModelTypes { get; } = ["bert", "camembert", "roberta", "xlm-roberta"];

    /// <summary>
    /// Refuses another architecture before its config is read as BERT's (which would only say which BERT keys are missing).
    /// </summary>
    private static void CheckModelType(string configPath)
    {
        var modelType = ConfigJsonReader.FromFile(configPath).ReadString("model_type", required: false) ?? "bert";
        if (!KnownModelTypes.Contains(modelType, StringComparer.Ordinal))
            throw new InvalidInputException($"key 'model_type': '{modelType}' is not a supported architecture (known model types: {string.Join(", ", KnownModelTypes)})", configPath);
    }

    /// <summary>The head named by config.json's <c>architectures</c> (e.g. <c>BertForMaskedLM</c> → MaskedLM).</summary>
    public static ModelHead HeadFromArchitectures(string configPath)
    {
        // Parsed (and refused, naming the file) by the validating reader, before anything looks at its keys.
        var architecture = ConfigJsonReader.FromFile(configPath).ReadFirstString("architectures");
        if (architecture is null)
            throw new InvalidInputException("key 'architectures': missing, so the head cannot be inferred; pass it explicitly", configPath);
        foreach (var (suffix, head) in new[]
                 {
                     ("ForMaskedLM", ModelHead.MaskedLM), ("ForTokenClassification", ModelHead.TokenClassification),
                     ("ForSequenceClassification", ModelHead.SequenceClassification), ("ForQuestionAnswering", ModelHead.QuestionAnswering),
                     ("ForDependencyParsing", ModelHead.DependencyParsing),
                 })
            if (architecture.EndsWith(suffix, StringComparison.Ordinal)) return head;
        throw new InvalidInputException($"key 'architectures': '{architecture}' is not a supported head; pass the head explicitly", configPath);
    }

    internal static string ArchitectureName(ITransformerModel model)
    {
        var family = model.Config.ModelType switch
        {
            "xlm-roberta" => "XLMRoberta",
            "roberta" => "Roberta",
            "camembert" => "Camembert",
            _ => "Bert",
        };
        return family + model.Head switch
        {
            ModelHead.MaskedLM => "ForMaskedLM",
            ModelHead.TokenClassification => "ForTokenClassification",
            ModelHead.SequenceClassification => "ForSequenceClassification",
            ModelHead.QuestionAnswering => "ForQuestionAnswering",
            _ => "ForDependencyParsing",
        };
    }
}
