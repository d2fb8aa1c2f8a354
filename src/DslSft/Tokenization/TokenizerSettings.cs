using System.Text.Json;
using System.Text.Json.Nodes;

namespace DslSft.Tokenization;

/// <summary>
/// The parts of an HF <c>tokenizer_config.json</c> (and <c>special_tokens_map.json</c>) that change token ids:
/// casing/accents/CJK switches, special token strings with their lstrip/rstrip, and <c>model_max_length</c>.
/// Missing fields take the defaults of the family's HF tokenizer class.
/// </summary>
public sealed record TokenizerSettings
{
    public string? TokenizerClass { get; init; }
    public bool DoLowerCase { get; init; } = true;
    /// <summary>HF's <c>strip_accents</c>; null = strip when lower-casing.</summary>
    public bool? StripAccents { get; init; }
    public bool TokenizeChineseChars { get; init; } = true;
    public IReadOnlyList<string> NeverSplit { get; init; } = [];
    public int ModelMaxLength { get; init; } = 512;
    public string UnknownToken { get; init; } = "[UNK]";
    public string PadToken { get; init; } = "[PAD]";
    public string ClassificationToken { get; init; } = "[CLS]";
    public string SeparatorToken { get; init; } = "[SEP]";
    public string MaskToken { get; init; } = "[MASK]";

    /// <summary>Every token recognised literally in text, with whether it strips whitespace on its (Left, Right).</summary>
    public IReadOnlyDictionary<string, (bool Left, bool Right)> SpecialTokens { get; init; } = new Dictionary<string, (bool, bool)>();

    /// <summary>BertTokenizer's defaults.</summary>
    public static TokenizerSettings BertDefaults { get; } = new() { SpecialTokens = Specials(("[PAD]", false), ("[UNK]", false), ("[CLS]", false), ("[SEP]", false), ("[MASK]", false)) };

    /// <summary>XLMRobertaTokenizer's defaults (its <c>&lt;mask&gt;</c> strips whitespace on its left).</summary>
    public static TokenizerSettings XlmRobertaDefaults { get; } = new()
    {
        DoLowerCase = false,
        UnknownToken = "<unk>", PadToken = "<pad>", ClassificationToken = "<s>", SeparatorToken = "</s>", MaskToken = "<mask>",
        SpecialTokens = Specials(("<s>", false), ("<pad>", false), ("</s>", false), ("<unk>", false), ("<mask>", true)),
    };

    private static Dictionary<string, (bool, bool)> Specials(params (string Content, bool Left)[] tokens) =>
        tokens.ToDictionary(t => t.Content, t => (t.Left, false), StringComparer.Ordinal);

    /// <summary>
    /// Reads <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c> from <paramref name="directory"/> on top of
    /// <paramref name="defaults"/>; both files are optional.
    /// </summary>
    public static TokenizerSettings Load(string directory, TokenizerSettings defaults)
    {
        var settings = defaults;
        var specials = new Dictionary<string, (bool Left, bool Right)>(defaults.SpecialTokens, StringComparer.Ordinal);
        foreach (var file in new[] { "special_tokens_map.json", "tokenizer_config.json" })
        {
            var path = System.IO.Path.Combine(directory, file);
            if (!File.Exists(path)) continue;
            var json = ReadObject(path);
            settings = Apply(settings, json, path, specials);
        }
        return settings with { SpecialTokens = specials };
    }

    private static JsonObject ReadObject(string path)
    {
        try
        {
            return JsonNode.Parse(IO.InputFile.ReadAllText(path, IO.InputFile.SmallFileLimit, "tokenizer configuration")) as JsonObject
                ?? throw new InvalidInputException("expected a JSON object", path);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"malformed JSON: {e.Message}", path, e.LineNumber + 1, e);
        }
    }

    private static TokenizerSettings Apply(TokenizerSettings s, JsonObject json, string path, Dictionary<string, (bool Left, bool Right)> specials)
    {
        try
        {
            s = s with
            {
                TokenizerClass = (string?)json["tokenizer_class"] ?? s.TokenizerClass,
                DoLowerCase = (bool?)json["do_lower_case"] ?? s.DoLowerCase,
                StripAccents = json.ContainsKey("strip_accents") ? (bool?)json["strip_accents"] : s.StripAccents,
                TokenizeChineseChars = (bool?)json["tokenize_chinese_chars"] ?? s.TokenizeChineseChars,
                NeverSplit = json["never_split"] is JsonArray never ? never.Select(n => (string)n!).ToArray() : s.NeverSplit,
                ModelMaxLength = json["model_max_length"] is JsonValue max ? ClampLength(max.GetValue<double>()) : s.ModelMaxLength,
                UnknownToken = Special(json, "unk_token", specials) ?? s.UnknownToken,
                PadToken = Special(json, "pad_token", specials) ?? s.PadToken,
                ClassificationToken = Special(json, "cls_token", specials) ?? Special(json, "bos_token", specials) ?? s.ClassificationToken,
                SeparatorToken = Special(json, "sep_token", specials) ?? Special(json, "eos_token", specials) ?? s.SeparatorToken,
                MaskToken = Special(json, "mask_token", specials) ?? s.MaskToken,
            };
            if (json["cls_token"] is not null) Special(json, "bos_token", specials);
            if (json["sep_token"] is not null) Special(json, "eos_token", specials);
            if (json["additional_special_tokens"] is JsonArray additional)
                foreach (var token in additional) AddSpecial(token, specials);
            if (json["added_tokens_decoder"] is JsonObject decoder)
                foreach (var (_, token) in decoder) AddSpecial(token, specials);
            return s;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException)
        {
            throw new InvalidInputException($"unexpected value in tokenizer configuration: {e.Message}", path, inner: e);
        }
    }

    // HF writes 1e30 ("no limit") for some models; anything beyond int range means no practical limit.
    private static int ClampLength(double value) => value >= int.MaxValue ? int.MaxValue : (int)value;

    // A special token is a plain string or an AddedToken object {"content": ..., "lstrip": ..., "rstrip": ...}.
    private static string? Special(JsonObject json, string key, Dictionary<string, (bool Left, bool Right)> specials) =>
        json[key] is { } node ? AddSpecial(node, specials) : null;

    private static string? AddSpecial(JsonNode? node, Dictionary<string, (bool Left, bool Right)> specials)
    {
        switch (node)
        {
            case JsonValue value:
                var content = value.GetValue<string>();
                specials.TryAdd(content, (false, false));
                return content;
            case JsonObject obj:
                var text = (string?)obj["content"] ?? throw new FormatException("added token without \"content\"");
                specials[text] = ((bool?)obj["lstrip"] ?? false, (bool?)obj["rstrip"] ?? false);
                return text;
            default:
                return null;
        }
    }
}
