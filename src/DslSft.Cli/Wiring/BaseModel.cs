using DslSft.Models;
using DslSft.Models.Import;
using DslSft.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Cli.Wiring;

/// <summary>
/// A base model as the commands use it: <c>--model</c> resolved (registry name or HF directory), loaded with the
/// head a command needs, its tokenizer, and the named-parameter view that SFTs are applied to.
/// </summary>
public sealed class BaseModel : IDisposable
{
    private BaseModel(string name, string directory, ITransformerModel model, ITextTokenizer tokenizer, IReadOnlyList<string> notInCheckpoint)
    {
        Name = name;
        Directory = directory;
        Model = model;
        Tokenizer = tokenizer;
        Table = ParameterTable.Build(model);
        Parameters = Table.Tensors;
        NotInCheckpoint = notInCheckpoint.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>What the user typed for <c>--model</c> (recorded in SFT metadata as the base model).</summary>
    public string Name { get; }
    public string Directory { get; }
    public ITransformerModel Model { get; }
    public nn.Module Module => (nn.Module)Model;
    public ITextTokenizer Tokenizer { get; }
    public ParameterTable Table { get; }
    /// <summary>HF parameter name → the live parameter tensor (tied aliases under both names).</summary>
    public IReadOnlyDictionary<string, Tensor> Parameters { get; }

    /// <summary>
    /// Parameters the checkpoint did not hold, so they start from a fresh initialisation: the new head, and for
    /// sequence classification on a masked-LM checkpoint the pooler.
    /// </summary>
    public IReadOnlySet<string> NotInCheckpoint { get; }

    /// <summary>
    /// The longest input the model accepts: the tokenizer's model_max_length, and no more than its position embeddings
    /// hold (RoBERTa-style positions start after the padding id).
    /// </summary>
    public int MaxInputLength
    {
        get
        {
            var config = Model.Config;
            int positions = config.UsesRobertaPositions ? config.MaxPositionEmbeddings - config.PadTokenId - 1 : config.MaxPositionEmbeddings;
            return Math.Min(Tokenizer.ModelMaxLength, positions);
        }
    }

    /// <summary>
    /// The --max-length to use: the value given, which must fit the model; when it was left at its default, the default
    /// capped at <see cref="MaxInputLength"/> (so the 256 default works for a small model too).
    /// </summary>
    public int ResolveMaxLength(System.CommandLine.ParseResult parse, System.CommandLine.Option<int> option)
    {
        int value = parse.GetValue(option);
        bool given = parse.GetResult(option) is { Implicit: false };
        if (!given) return Math.Min(value, MaxInputLength);
        if (value < 3 || value > MaxInputLength)
            throw new InvalidInputException($"--max-length must be in [3, {MaxInputLength}] for this model, got {value}");
        return value;
    }

    /// <summary>Resolves <paramref name="nameOrDirectory"/> and loads it with <paramref name="head"/> (null: the head config.json names).</summary>
    /// <param name="seed">Seeds torch's generator before the model is built, so a head the checkpoint lacks (a new
    /// classifier, or the MLM head of a sentence encoder) starts from the same values in every run with this seed.</param>
    public static BaseModel Load(string nameOrDirectory, ModelHead? head = null, HfLoadOptions? options = null, int? seed = null)
    {
        var directory = ResolveDirectory(nameOrDirectory);
        var tokenizer = TokenizerLoader.FromDirectory(directory);
        if (seed is { } value) torch.manual_seed(value);
        var loaded = HfModel.Load(directory, head, options);
        return new BaseModel(nameOrDirectory, directory, loaded.Model, tokenizer, loaded.Report.Missing);
    }

    /// <summary>A registry name or an HF model directory → the directory (converting a built-in model into the cache on first use).</summary>
    public static string ResolveDirectory(string nameOrDirectory)
    {
        var directory = new ModelRegistry().Resolve(nameOrDirectory);
        if (!File.Exists(Path.Combine(directory, HfModel.ConfigFileName)))
            throw new InvalidInputException($"not a Hugging Face model directory: it has no {HfModel.ConfigFileName}", directory);
        return directory;
    }

    public void Dispose() => Model.Dispose();
}
