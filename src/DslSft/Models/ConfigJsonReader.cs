using System.Globalization;
using System.Text.Json;

namespace DslSft.Models;

/// <summary>
/// Reads typed values out of an HF <c>config.json</c> for the binders generated from <see cref="Dsl.Models.ConfigKeyAttribute"/>.
/// Problems (missing required keys, wrong JSON types, values out of range) are collected, so one
/// <see cref="InvalidInputException"/> names the file and every offending key at once.
/// </summary>
public sealed class ConfigJsonReader
{
    private readonly List<string> errors = new();
    private readonly JsonElement root;

    private ConfigJsonReader(JsonElement root, string source)
    {
        this.root = root;
        Source = source;
    }

    /// <summary>The file (or other source) the configuration came from, used in messages.</summary>
    public string Source { get; }

    /// <summary>The problems found so far.</summary>
    public IReadOnlyList<string> Errors => errors;

    public static ConfigJsonReader FromFile(string path)
    {
        return FromText(IO.InputFile.ReadAllText(path, IO.InputFile.SmallFileLimit, "configuration file"), path);
    }

    public static ConfigJsonReader FromText(string text, string source)
    {
        JsonDocument document;
        try
        {
            // A key given twice is refused: which of the two values a reader takes is not something to leave to chance.
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"malformed JSON: {e.Message}", source, e.LineNumber is { } line ? line + 1 : null, e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidInputException($"a configuration must be a JSON object, found {document.RootElement.ValueKind}", source);
            return new ConfigJsonReader(document.RootElement.Clone(), source);
        }
    }

    /// <summary>True when the key is present and not JSON null.</summary>
    public bool Has(string key) => root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>Records a problem with <paramref name="key"/> (used by hand-written <c>Validate</c> methods too).</summary>
    public void Error(string key, string message) => errors.Add($"key '{key}': {message}");

    public void ThrowIfInvalid()
    {
        if (errors.Count == 1) throw new InvalidInputException(errors[0], Source);
        if (errors.Count > 1) throw new InvalidInputException($"{errors.Count} problems:\n  " + string.Join("\n  ", errors), Source);
    }

    public int? ReadInt32(string key, bool required, double min = double.NaN, string? countOf = null) =>
        (int?)ReadInteger(key, required, min, countOf, int.MinValue, int.MaxValue, "a 32-bit integer");

    public long? ReadInt64(string key, bool required, double min = double.NaN, string? countOf = null) =>
        ReadInteger(key, required, min, countOf, long.MinValue, long.MaxValue, "an integer");

    public double? ReadDouble(string key, bool required, double min = double.NaN)
    {
        if (!TryGet(key, required, "a number", out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
            return Wrong<double>(key, "a number", value);
        return CheckMin(key, number, min) ? number : null;
    }

    public float? ReadSingle(string key, bool required, double min = double.NaN) => (float?)ReadDouble(key, required, min);

    public bool? ReadBoolean(string key, bool required)
    {
        if (!TryGet(key, required, "true or false", out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => Wrong<bool>(key, "true or false", value),
        };
    }

    public string? ReadString(string key, bool required)
    {
        if (!TryGet(key, required, "a string", out var value)) return null;
        if (value.ValueKind != JsonValueKind.String)
        {
            Wrong<bool>(key, "a string", value);
            return null;
        }
        return Text(key, value);
    }

    /// <summary>The first element of the array <paramref name="key"/> when it is a string (e.g. <c>architectures</c>); null otherwise.</summary>
    public string? ReadFirstString(string key) =>
        root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
        && value[0].ValueKind == JsonValueKind.String ? Text(key, value[0]) : null;

    private string? Text(string key, JsonElement value)
    {
        try { return value.GetString(); }
        catch (InvalidOperationException) { Error(key, "is not valid Unicode (an unpaired surrogate escape?)"); return null; }
    }

    /// <summary>The whole configuration as a mutable JSON object (to write an updated copy).</summary>
    public System.Text.Json.Nodes.JsonObject ToJsonObject() => System.Text.Json.Nodes.JsonObject.Create(root)!.DeepClone().AsObject();

    private long? ReadInteger(string key, bool required, double min, string? countOf, long low, long high, string expected)
    {
        if (!Has(key) && countOf is not null && root.TryGetProperty(countOf, out var counted))
        {
            if (counted.ValueKind == JsonValueKind.Object) return CheckMin(key, counted.EnumerateObject().Count(), min) ? counted.EnumerateObject().Count() : null;
            if (counted.ValueKind == JsonValueKind.Array) return CheckMin(key, counted.GetArrayLength(), min) ? counted.GetArrayLength() : null;
        }
        if (!TryGet(key, required, expected, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < low || number > high)
            return Wrong<long>(key, expected, value);
        return CheckMin(key, number, min) ? number : null;
    }

    private bool TryGet(string key, bool required, string expected, out JsonElement value)
    {
        if (root.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) Error(key, $"missing (required; expected {expected})");
        return false;
    }

    private bool CheckMin(string key, double value, double min)
    {
        if (double.IsNaN(min) || value >= min) return true;
        Error(key, $"must be at least {min.ToString(CultureInfo.InvariantCulture)}, found {value.ToString(CultureInfo.InvariantCulture)}");
        return false;
    }

    private T? Wrong<T>(string key, string expected, JsonElement value) where T : struct
    {
        Error(key, $"expected {expected}, found {value.GetRawText()}");
        return null;
    }
}
