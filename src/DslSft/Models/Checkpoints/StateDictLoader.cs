using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Models.Checkpoints;

/// <summary>What loading a state dict into a model found: loaded names, model parameters the file lacks, file entries the model lacks.</summary>
public sealed record LoadReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, string Source)
{
    public bool IsComplete => Missing.Count == 0 && Unexpected.Count == 0;

    public override string ToString() =>
        $"{Source}: {Loaded.Count} loaded, {Missing.Count} missing [{string.Join(", ", Missing)}], {Unexpected.Count} unexpected [{string.Join(", ", Unexpected)}]";
}

/// <summary>
/// Copies checkpoint tensors into a DSL-built model by HF name, using the generated parameter table. Shapes must
/// match exactly (a mismatch is an <see cref="InvalidInputException"/> naming the file and the tensor). A tied
/// parameter is not copied: it shares its target's tensor, so an absent alias (safetensors omits them) simply
/// stays tied, and a present one (.bin keeps them) is checked to equal its target.
/// </summary>
public static class StateDictLoader
{
    /// <summary>Reads a checkpoint file by extension: <c>.safetensors</c>, otherwise a PyTorch zip (<c>.bin</c>, <c>.pt</c>, <c>.pth</c>).</summary>
    public static Dictionary<string, Tensor> ReadFile(string path) =>
        path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? SafeTensorsFile.ReadStateDict(path) : PyTorchCheckpointFile.Read(path);

    /// <summary>
    /// Loads <paramref name="tensors"/> into <paramref name="model"/>. When the model's names start with
    /// <paramref name="basePrefix"/> (e.g. <c>bert</c>) and the file has none of them, the file is taken to hold the
    /// bare encoder (as a MiniLM or <c>BertModel</c> checkpoint does) and the prefix is added.
    /// </summary>
    public static LoadReport Load(IHfModule model, IReadOnlyDictionary<string, Tensor> tensors, string source, string? basePrefix = null)
    {
        var table = ParameterTable.Build(model);
        var renamed = AddBasePrefixIfNeeded(tensors, table, basePrefix);
        var loaded = new List<string>();
        var missing = new List<string>();
        using (no_grad())
        {
            foreach (var entry in table)
            {
                if (!renamed.TryGetValue(entry.Name, out var tensor))
                {
                    if (entry.Role != ParameterRole.Tied) missing.Add(entry.Name);
                    continue;
                }
                if (!tensor.shape.SequenceEqual(entry.Shape))
                    throw new InvalidInputException(
                        $"tensor '{entry.Name}' has shape [{string.Join(", ", tensor.shape)}], but the model built from config.json expects [{string.Join(", ", entry.Shape)}]", source);
                if (!tensor.is_floating_point())
                    throw new InvalidInputException($"tensor '{entry.Name}' has dtype {tensor.dtype}, expected a floating-point tensor", source);
                if (entry.Role == ParameterRole.Tied)
                {
                    // HF's .bin keeps tied aliases; they must hold the same values as what they are tied to.
                    var target = renamed.TryGetValue(entry.TiedTo!, out var t) ? t : null;
                    if (target is not null && !tensor.to(target.dtype).equal(target).all().item<bool>())
                        throw new InvalidInputException($"tensor '{entry.Name}' should be tied to '{entry.TiedTo}' but holds different values", source);
                    loaded.Add(entry.Name);
                    continue;
                }
                entry.Tensor.copy_(tensor);
                loaded.Add(entry.Name);
            }
        }
        var unexpected = renamed.Keys.Where(k => !table.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        return new LoadReport(loaded, missing, unexpected, source);
    }

    /// <summary>HF name → tensor of every non-tied parameter (tied aliases are omitted, as HF's safetensors writer does).</summary>
    public static Dictionary<string, Tensor> StateDict(IHfModule model) =>
        ParameterTable.Build(model).Where(e => e.Role != ParameterRole.Tied)
            .ToDictionary(e => e.Name, e => (Tensor)e.Tensor, StringComparer.Ordinal);

    private static IReadOnlyDictionary<string, Tensor> AddBasePrefixIfNeeded(IReadOnlyDictionary<string, Tensor> tensors, ParameterTable table, string? basePrefix)
    {
        if (basePrefix is null) return tensors;
        var dotted = basePrefix + ".";
        if (tensors.Keys.Any(k => k.StartsWith(dotted, StringComparison.Ordinal))) return tensors;
        if (!tensors.Keys.Any(k => table.Contains(dotted + k))) return tensors;
        return tensors.ToDictionary(kv => table.Contains(dotted + kv.Key) ? dotted + kv.Key : kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }
}
