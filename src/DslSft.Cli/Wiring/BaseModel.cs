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
    private BaseModel(string name, string directory, ITransformerModel model, ITextTokenizer tokenizer)
    {
        Name = name;
        Directory = directory;
        Model = model;
        Tokenizer = tokenizer;
        Table = ParameterTable.Build(model);
        Parameters = Table.Tensors;
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

    /// <summary>Resolves <paramref name="nameOrDirectory"/> and loads it with <paramref name="head"/> (null: the head config.json names).</summary>
    public static BaseModel Load(string nameOrDirectory, ModelHead? head = null, HfLoadOptions? options = null)
    {
        var directory = ResolveDirectory(nameOrDirectory);
        var tokenizer = TokenizerLoader.FromDirectory(directory);
        var loaded = HfModel.Load(directory, head, options);
        return new BaseModel(nameOrDirectory, directory, loaded.Model, tokenizer);
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
