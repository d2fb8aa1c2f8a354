using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace DslSft.Sft.Formats;

/// <summary>
/// DslSft's own SFT file: one safetensors file holding, per diff tensor, <c>diff.indices/&lt;name&gt;</c> (int64,
/// sorted row-major flat indices) and <c>diff.values/&lt;name&gt;</c> (float32), plus <c>abs/&lt;name&gt;</c> for dense
/// tensors. The header's <c>__metadata__</c> carries a JSON document (<see cref="SftMetadata"/> and each diff's
/// dense shape) under the key <c>dslsft.sft</c>.
/// </summary>
/// <remarks>
/// Metadata lives inside the safetensors header rather than in a sidecar file so that one atomic rename
/// publishes tensors and provenance together: they cannot drift apart or be copied separately, and any
/// safetensors tool (Python's <c>safe_open(...).metadata()</c>) shows it.
/// </remarks>
public static class SftFile
{
    public const string MetadataKey = "dslsft.sft";
    public const string FormatName = "dslsft-sft";
    public const int FormatVersion = 1;
    private const string IndicesPrefix = "diff.indices/";
    private const string ValuesPrefix = "diff.values/";
    private const string AbsPrefix = "abs/";

    /// <summary>Writes <paramref name="sft"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(SparseFineTuning sft, string path)
    {
        sft.Validate();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, diff) in sft.Diffs)
        {
            tensors.Add(new(IndicesPrefix + name, diff.Indices));
            tensors.Add(new(ValuesPrefix + name, diff.Values));
        }
        foreach (var (name, value) in sft.Abs) tensors.Add(new(AbsPrefix + name, value));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            [MetadataKey] = MetadataJson(sft).ToJsonString(),
        };
        SafeTensorsFile.Write(path, tensors, metadata);
    }

    /// <summary>Reads an SFT written by <see cref="Save"/>. Malformed files raise <see cref="InvalidInputException"/> naming the file and tensor.</summary>
    public static SparseFineTuning Load(string path)
    {
        var contents = SafeTensorsFile.Read(path);
        try
        {
            return FromContents(contents, path);
        }
        catch
        {
            foreach (var t in contents.Tensors.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>Reads only the metadata (cheap: the tensor data is not touched).</summary>
    public static SftMetadata ReadMetadata(string path) => ParseDocument(SafeTensorsFile.ReadMetadata(path), path).Metadata;

    private static SparseFineTuning FromContents(SafeTensorsFile.Contents contents, string path)
    {
        var (metadata, shapes, diffOrder, absOrder) = ParseDocument(contents.Metadata, path);
        var known = new HashSet<string>(StringComparer.Ordinal);
        var diffs = new Dictionary<string, SparseDiff>(StringComparer.Ordinal);
        foreach (var name in diffOrder)
        {
            var indices = Take(contents, IndicesPrefix + name, ScalarType.Int64, path, known);
            var values = Take(contents, ValuesPrefix + name, ScalarType.Float32, path, known);
            if (indices.dim() != 1 || values.dim() != 1 || indices.shape[0] != values.shape[0])
                throw new InvalidInputException($"diff tensor '{name}': indices [{string.Join(", ", indices.shape)}] and values [{string.Join(", ", values.shape)}] must be 1-D of equal length", path);
            var diff = new SparseDiff(shapes[name], indices, values);
            diff.Validate(name, path);
            diffs[name] = diff;
        }
        var abs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var name in absOrder)
        {
            abs[name] = Take(contents, AbsPrefix + name, ScalarType.Float32, path, known);
            SparseFineTuning.ValidateAbs(name, abs[name], path);
        }
        var extra = contents.Tensors.Keys.FirstOrDefault(k => !known.Contains(k));
        if (extra is not null) throw new InvalidInputException($"tensor '{extra}' is not described by the SFT metadata", path);
        return new SparseFineTuning(diffs, abs, metadata);
    }

    private static Tensor Take(SafeTensorsFile.Contents contents, string key, ScalarType dtype, string path, HashSet<string> known)
    {
        if (!contents.Tensors.TryGetValue(key, out var tensor)) throw new InvalidInputException($"tensor '{key}' is missing", path);
        if (tensor.dtype != dtype) throw new InvalidInputException($"tensor '{key}' has dtype {tensor.dtype}, expected {dtype}", path);
        known.Add(key);
        return tensor;
    }

    private static JsonObject MetadataJson(SparseFineTuning sft)
    {
        var m = sft.Metadata;
        var args = new JsonObject();
        foreach (var (key, value) in m.TrainingArguments.OrderBy(kv => kv.Key, StringComparer.Ordinal)) args[key] = value;
        var diffShapes = new JsonObject();
        foreach (var (name, diff) in sft.Diffs)
            diffShapes[name] = new JsonArray(diff.Shape.Select(d => (JsonNode)JsonValue.Create(d)).ToArray());
        return new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = FormatVersion,
            ["base_model"] = m.BaseModel,
            ["base_model_checksum"] = m.BaseModelChecksum,
            ["method"] = m.Method,
            ["k"] = m.K,
            ["training_arguments"] = args,
            ["diff_shapes"] = diffShapes,
            ["abs"] = new JsonArray(sft.Abs.Keys.Select(k => (JsonNode)JsonValue.Create(k)).ToArray()),
        };
    }

    private static (SftMetadata Metadata, Dictionary<string, long[]> Shapes, List<string> DiffOrder, List<string> AbsOrder) ParseDocument(
        IReadOnlyDictionary<string, string> headerMetadata, string path)
    {
        try
        {
            return ParseDocumentFields(headerMetadata, path);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            // A key that appears twice, a string that is no text (a lone surrogate escape), a number where text belongs.
            throw new InvalidInputException($"SFT metadata is malformed: {e.Message}", path, inner: e);
        }
    }

    private static (SftMetadata Metadata, Dictionary<string, long[]> Shapes, List<string> DiffOrder, List<string> AbsOrder) ParseDocumentFields(
        IReadOnlyDictionary<string, string> headerMetadata, string path)
    {
        InvalidInputException Bad(string message) => new($"SFT metadata: {message}", path);
        if (!headerMetadata.TryGetValue(MetadataKey, out var text))
            throw new InvalidInputException($"not a DslSft SFT file: the safetensors header has no '{MetadataKey}' metadata (a composable-sft pytorch_diff.bin must be imported instead)", path);
        JsonObject doc;
        try { doc = JsonNode.Parse(text) as JsonObject ?? throw Bad("not a JSON object"); _ = doc.Count; }
        catch (JsonException e) { throw new InvalidInputException($"SFT metadata is not valid JSON: {e.Message}", path, inner: e); }

        if (doc["format"]?.GetValueKind() != JsonValueKind.String || doc["format"]!.GetValue<string>() != FormatName) throw Bad($"format must be '{FormatName}'");
        int version = doc["version"] is JsonValue vv && vv.TryGetValue(out int v) ? v : throw Bad("missing version");
        if (version > FormatVersion) throw Bad($"version {version} is newer than this program supports ({FormatVersion})");

        string? Str(string key) => doc[key] switch
        {
            null => null,
            JsonValue value when value.TryGetValue(out string? s) => s,
            _ => throw Bad($"'{key}' must be a string or null"),
        };
        long? k = doc["k"] switch
        {
            null => null,
            JsonValue value when value.TryGetValue(out long x) => x,
            _ => throw Bad("'k' must be an integer or null"),
        };
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        if (doc["training_arguments"] is JsonObject argsNode)
            foreach (var (key, value) in argsNode)
                args[key] = value is JsonValue s && s.TryGetValue(out string? str) ? str : throw Bad($"training argument '{key}' must be a string");

        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var diffOrder = new List<string>();
        if (doc["diff_shapes"] is not JsonObject shapesNode) throw Bad("missing diff_shapes");
        foreach (var (name, node) in shapesNode)
        {
            if (node is not JsonArray dims) throw Bad($"shape of '{name}' must be an array");
            shapes[name] = dims.Select(d => d is JsonValue dv && dv.TryGetValue(out long x) && x >= 0 ? x : throw Bad($"shape of '{name}' must hold non-negative integers")).ToArray();
            diffOrder.Add(name);
        }
        var absOrder = doc["abs"] is JsonArray absNode
            ? absNode.Select(n => n is JsonValue av && av.TryGetValue(out string? s) ? s : throw Bad("abs must list tensor names")).ToList()
            : throw Bad("missing abs");
        if (absOrder.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            throw Bad($"abs lists '{repeated.Key}' twice");

        var metadata = new SftMetadata
        {
            BaseModel = Str("base_model"),
            BaseModelChecksum = Str("base_model_checksum"),
            Method = Str("method"),
            K = k,
            TrainingArguments = args,
        };
        return (metadata, shapes, diffOrder, absOrder);
    }
}
