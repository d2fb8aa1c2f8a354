using System.Text.Json;
using System.Text.Json.Nodes;
using DslSft.IO;
using DslSft.IO.Formats;
using DslSft.Models.Checkpoints;
using static TorchSharp.torch;

namespace DslSft.Models;

/// <summary>
/// The one Hugging Face model exporter: a model → a directory with <c>config.json</c> (a base config updated with the
/// model's configuration and <c>architectures</c>), <c>model.safetensors</c> (every non-tied parameter; tied aliases
/// are omitted as HF's writer does) and, optionally, the tokenizer files of a base directory. Nothing else is copied.
/// </summary>
public static class HfModelExport
{
    /// <summary>The tokenizer files of a Hugging Face directory, the only files copied from a base directory.</summary>
    public static readonly IReadOnlyList<string> TokenizerFiles =
    [
        Tokenization.TokenizerLoader.WordPieceVocabFile, Tokenization.TokenizerLoader.SentencePieceModelFile, "tokenizer.json",
        "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt", "spiece.model",
    ];

    /// <summary>Writes the export of <paramref name="model"/> to <paramref name="directory"/>, atomically (temp dir + rename).</summary>
    public static void Write(ITransformerModel model, string directory, string? baseConfigJson = null, string? tokenizerDirectory = null, bool overwrite = true)
    {
        var (config, stateDict) = Prepare(model, baseConfigJson, directory);
        AtomicFile.WriteDirectory(directory, temp => Fill(temp, config, stateDict, tokenizerDirectory), overwrite);
    }

    /// <summary>
    /// Writes the export into <paramref name="directory"/>, which the caller publishes itself (the CLI's output
    /// directory); the directory is created when missing.
    /// </summary>
    public static void WriteInto(ITransformerModel model, string directory, string? baseConfigJson = null, string? tokenizerDirectory = null)
    {
        var (config, stateDict) = Prepare(model, baseConfigJson, directory);
        Directory.CreateDirectory(directory);
        Fill(directory, config, stateDict, tokenizerDirectory);
    }

    private static (string Config, Dictionary<string, Tensor> StateDict) Prepare(ITransformerModel model, string? baseConfigJson, string directory)
    {
        var json = baseConfigJson is null ? new JsonObject() : ConfigJsonReader.FromText(baseConfigJson, HfModel.ConfigFileName).ToJsonObject();
        model.Config.WriteTo(json);
        json["architectures"] = new JsonArray(HfModel.ArchitectureName(model));
        if (model is IMaskedLanguageModel mlm) json["tie_word_embeddings"] = mlm.DecoderIsTied;
        var stateDict = StateDictLoader.StateDict(model);
        // A NaN or an infinity (SFT values that overflow when added) would be written silently and poison every later use.
        foreach (var (name, tensor) in stateDict)
            if (tensor.is_floating_point() && !isfinite(tensor).all().item<bool>())
                throw new InvalidInputException($"tensor '{name}' holds values that are not finite (NaN or infinity); the model is not written", directory);
        return (json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", stateDict);
    }

    private static void Fill(string directory, string config, Dictionary<string, Tensor> stateDict, string? tokenizerDirectory)
    {
        File.WriteAllText(Path.Combine(directory, HfModel.ConfigFileName), config);
        SafeTensorsFile.WriteStateDict(Path.Combine(directory, HfModel.SafetensorsFileName), stateDict);
        if (tokenizerDirectory is null) return;
        foreach (var name in TokenizerFiles)
            if (File.Exists(Path.Combine(tokenizerDirectory, name))) File.Copy(Path.Combine(tokenizerDirectory, name), Path.Combine(directory, name));
    }
}
