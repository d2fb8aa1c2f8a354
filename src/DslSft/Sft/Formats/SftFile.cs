using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Sft.Formats;

/// <summary>
/// DslSft's own SFT file: one safetensors file holding, per diff tensor, <c>diff.indices/&lt;name&gt;</c> (int64,
/// sorted row-major flat indices) and <c>diff.values/&lt;name&gt;</c> (float32), plus <c>abs/&lt;name&gt;</c> for dense
/// tensors. The header's <c>__metadata__</c> carries a JSON document (<see cref="SftMetadata"/> and each diff's
/// dense shape) under the key <c>dslsft.sft</c>. That is format version 1 (<see cref="SftStorage.Full"/>);
/// version 2 (<see cref="SftStorage.Compact"/>) stores indices as int32 row numbers or flat indices and values in
/// Q8_0 (or, <see cref="SftStorage.CompactQ4"/>, Q4_0) blocks, recording each diff's encoding in the document.
/// docs/sft-format.md describes both.
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
    /// <summary>The version <see cref="SftStorage.Full"/> writes: int64 indices, float32 values.</summary>
    public const int FullFormatVersion = 1;
    /// <summary>The version <see cref="SftStorage.Compact"/> writes, and the newest this program reads.</summary>
    public const int FormatVersion = 2;
    private const string StorageKey = "diff_storage";
    private const string AbsPrefix = "abs/";

    /// <summary>
    /// Writes <paramref name="sft"/> to <paramref name="path"/> atomically. <see cref="SftStorage.Full"/> (the default)
    /// writes format version 1, lossless; <see cref="SftStorage.Compact"/> writes version 2 (exact indices, Q8_0 values),
    /// <see cref="SftStorage.CompactQ4"/> version 2 with Q4_0 values.
    /// </summary>
    public static void Save(SparseFineTuning sft, string path, SftStorage storage = SftStorage.Full)
    {
        sft.Validate();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var encodings = new Dictionary<string, DiffStorage>(StringComparer.Ordinal);
        var created = new List<Tensor>();
        try
        {
            foreach (var (name, diff) in sft.Diffs)
            {
                var encoded = DiffStorage.Encode(name, diff, storage);
                created.AddRange(encoded.Created);
                tensors.AddRange(encoded.Tensors);
                encodings[name] = encoded.Storage;
            }
            foreach (var (name, value) in sft.Abs) tensors.Add(new(AbsPrefix + name, value));
            var metadata = new Dictionary<string, string>
            {
                ["format"] = "pt",
                [MetadataKey] = MetadataJson(sft, storage == SftStorage.Full ? null : encodings).ToJsonString(),
            };
            SafeTensorsFile.Write(path, tensors, metadata);
        }
        finally
        {
            foreach (var t in created) t.Dispose();
        }
    }

    /// <summary>Reads an SFT written by <see cref="Save"/>. Malformed files raise <see cref="InvalidInputException"/> naming the file and tensor.</summary>
    public static SparseFineTuning Load(string path)
    {
        var contents = SafeTensorsFile.Read(path, "SFT file");
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
    public static SftMetadata ReadMetadata(string path) => ParseDocument(SafeTensorsFile.ReadMetadata(path, "SFT file"), path).Metadata;

    /// <summary>
    /// How the file stores its diffs (cheap: reads the header): <see cref="SftStorage.Full"/> when every diff is int64/float32
    /// (always so in version 1); otherwise
    /// <see cref="SftStorage.CompactQ4"/> when any diff's values are Q4_0, else <see cref="SftStorage.Compact"/>.
    /// </summary>
    public static SftStorage ReadStorage(string path)
    {
        var storage = ParseDocument(SafeTensorsFile.ReadMetadata(path, "SFT file"), path).Storage;
        if (storage.Values.All(s => s == DiffStorage.Full)) return SftStorage.Full;
        return storage.Values.Any(s => s.Values == DiffStorage.Q4_0Values) ? SftStorage.CompactQ4 : SftStorage.Compact;
    }

    private static SparseFineTuning FromContents(SafeTensorsFile.Contents contents, string path)
    {
        var (metadata, shapes, diffOrder, absOrder, storage) = ParseDocument(contents.Metadata, path);
        var known = new HashSet<string>(StringComparer.Ordinal);
        var diffs = new Dictionary<string, SparseDiff>(StringComparer.Ordinal);
        foreach (var name in diffOrder)
            diffs[name] = storage[name].Decode(name, shapes[name], (key, dtype) => Take(contents, key, dtype, path, known), path);
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

    /// <summary>The metadata document; <paramref name="storage"/> null writes version 1, otherwise version 2 with each diff's encoding.</summary>
    private static JsonObject MetadataJson(SparseFineTuning sft, IReadOnlyDictionary<string, DiffStorage>? storage)
    {
        var m = sft.Metadata;
        var args = new JsonObject();
        foreach (var (key, value) in m.TrainingArguments.OrderBy(kv => kv.Key, StringComparer.Ordinal)) args[key] = value;
        var diffShapes = new JsonObject();
        foreach (var (name, diff) in sft.Diffs)
            diffShapes[name] = new JsonArray(diff.Shape.Select(d => (JsonNode)JsonValue.Create(d)).ToArray());
        var document = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = storage is null ? FullFormatVersion : FormatVersion,
            ["base_model"] = m.BaseModel,
            ["base_model_checksum"] = m.BaseModelChecksum,
            ["method"] = m.Method,
            ["k"] = m.K,
            ["training_arguments"] = args,
            ["diff_shapes"] = diffShapes,
            ["abs"] = new JsonArray(sft.Abs.Keys.Select(k => (JsonNode)JsonValue.Create(k)).ToArray()),
        };
        if (storage is not null)
        {
            var encodings = new JsonObject();
            foreach (var (name, s) in storage) encodings[name] = new JsonObject { ["indices"] = s.Indices, ["values"] = s.Values };
            document[StorageKey] = encodings;
        }
        return document;
    }

    private static (SftMetadata Metadata, Dictionary<string, long[]> Shapes, List<string> DiffOrder, List<string> AbsOrder, Dictionary<string, DiffStorage> Storage) ParseDocument(
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

    private static (SftMetadata Metadata, Dictionary<string, long[]> Shapes, List<string> DiffOrder, List<string> AbsOrder, Dictionary<string, DiffStorage> Storage) ParseDocumentFields(
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
        if (version < FullFormatVersion) throw Bad($"version {version} is not a valid format version (1 or 2)");

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
        return (metadata, shapes, diffOrder, absOrder, ParseStorage(doc, version, diffOrder, path));
    }

    /// <summary>Each diff's encoding: version 1 is always int64/float32; version 2 names both for every diff tensor.</summary>
    private static Dictionary<string, DiffStorage> ParseStorage(JsonObject doc, int version, List<string> diffOrder, string path)
    {
        InvalidInputException Bad(string message) => new($"SFT metadata: {message}", path);
        var storage = new Dictionary<string, DiffStorage>(StringComparer.Ordinal);
        if (version == FullFormatVersion)
        {
            if (doc[StorageKey] is not null) throw Bad($"'{StorageKey}' belongs to format version 2, but the file says version 1");
            foreach (var name in diffOrder) storage[name] = DiffStorage.Full;
            return storage;
        }
        if (doc[StorageKey] is not JsonObject node) throw Bad($"version {version} needs '{StorageKey}', an object naming each diff tensor's encoding");
        foreach (var (name, value) in node)
            if (!diffOrder.Contains(name)) throw Bad($"{StorageKey} names '{name}', which is not in diff_shapes");
        string Encoding(JsonObject entry, string name, string field, IReadOnlyList<string> allowed) =>
            entry[field] is JsonValue v && v.TryGetValue(out string? s) && allowed.Contains(s)
                ? s
                : throw Bad($"{StorageKey} of '{name}': '{field}' must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}, got {entry[field]?.ToJsonString() ?? "nothing"}");
        foreach (var name in diffOrder)
        {
            if (node[name] is not JsonObject entry) throw Bad($"{StorageKey} has no object for diff tensor '{name}'");
            storage[name] = new DiffStorage(
                Encoding(entry, name, "indices", DiffStorage.IndexEncodings),
                Encoding(entry, name, "values", DiffStorage.ValueEncodings));
        }
        return storage;
    }
}
