using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DslSft.Models;
using DslSft.Tasks;

namespace DslSft.Cli.Wiring;

/// <summary>
/// A head's label names in a Hugging Face config.json: <c>id2label</c> (<c>{"0": "ADJ", ...}</c>) and <c>label2id</c>.
/// compose/export write them from the task SFT's recorded label set, so HF shows names rather than LABEL_n, and
/// <c>eval -m &lt;dir&gt;</c> reads them back. HF's placeholder names (<c>LABEL_0</c>, <c>LABEL_1</c>, ... which every
/// config carries by default) name nothing and read as no label set.
/// </summary>
public static partial class ConfigLabels
{
    public const string Id2Label = "id2label";
    public const string Label2Id = "label2id";

    [GeneratedRegex(@"^LABEL_\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>Sets <c>id2label</c> and <c>label2id</c> of <paramref name="config"/> to <paramref name="labels"/>.</summary>
    public static void Write(JsonObject config, LabelVocabulary labels)
    {
        var id2Label = new JsonObject();
        var label2Id = new JsonObject();
        for (int i = 0; i < labels.Count; i++)
        {
            id2Label[i.ToString(CultureInfo.InvariantCulture)] = labels[i];
            label2Id[labels[i]] = i;
        }
        config[Id2Label] = id2Label;
        config[Label2Id] = label2Id;
    }

    /// <summary>Drops both maps (a base model's placeholders that no longer match the head written).</summary>
    public static void Remove(JsonObject config)
    {
        config.Remove(Id2Label);
        config.Remove(Label2Id);
    }

    /// <summary>
    /// The label set <c>id2label</c> of <paramref name="configPath"/> names, in id order; null when it is absent or holds
    /// only HF's placeholders. Ids that are not 0..n-1, or names that are empty or repeated, are an error naming the file.
    /// </summary>
    public static LabelVocabulary? Read(string configPath)
    {
        if (ConfigJsonReader.FromFile(configPath).ToJsonObject()[Id2Label] is not JsonObject map || map.Count == 0) return null;
        var names = new string?[map.Count];
        foreach (var (key, value) in map)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out int id) || id >= names.Length)
                throw new InvalidInputException($"key '{Id2Label}': id '{key}' is not one of 0..{names.Length - 1}", configPath);
            names[id] = value is JsonValue v && v.TryGetValue(out string? name) ? name : null;
        }
        if (names.All(n => n is not null && Placeholder().IsMatch(n))) return null;
        try { return LabelVocabulary.FromJson(System.Text.Json.JsonSerializer.Serialize(names), configPath); }
        catch (InvalidInputException e) { throw new InvalidInputException($"key '{Id2Label}': {e.Message}", configPath, inner: e); }
    }
}
