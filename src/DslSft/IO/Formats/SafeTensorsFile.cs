using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.IO.Formats;

/// <summary>
/// The safetensors format (8-byte little-endian header length, JSON header, raw little-endian data), read and
/// written with full validation: a malformed or truncated file is an <see cref="InvalidInputException"/> naming
/// the file and the tensor. The one reader and writer for every safetensors file DslSft touches: SFT files, Hugging
/// Face model weights, training checkpoints and imported models. Supports the dtypes those need: F64, F32, F16, BF16,
/// I64, I32, I16, I8, U8 and BOOL (tensors keep their stored dtype; the model loader converts to float32).
/// </summary>
public static class SafeTensorsFile
{
    private const long MaxHeaderBytes = 100 << 20;

    /// <summary>The dtypes read and written, by their safetensors name.</summary>
    private static readonly (string Name, ScalarType Type)[] DTypes =
    [
        ("F64", ScalarType.Float64), ("F32", ScalarType.Float32), ("F16", ScalarType.Float16), ("BF16", ScalarType.BFloat16),
        ("I64", ScalarType.Int64), ("I32", ScalarType.Int32), ("I16", ScalarType.Int16), ("I8", ScalarType.Int8),
        ("U8", ScalarType.Byte), ("BOOL", ScalarType.Bool),
    ];

    private static string SupportedNames => string.Join(", ", DTypes.Select(d => d.Name));

    /// <summary>The metadata Hugging Face's loader requires of a PyTorch model's weights.</summary>
    public static readonly IReadOnlyDictionary<string, string> PyTorchMetadata = new Dictionary<string, string> { ["format"] = "pt" };

    /// <summary>The contents of a safetensors file: tensors in file order and the <c>__metadata__</c> strings.</summary>
    public sealed record Contents(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>Reads every tensor (as contiguous CPU tensors) and the header metadata; <paramref name="what"/> names the file in errors.</summary>
    public static Contents Read(string path, string what = "safetensors file")
    {
        using var file = InputFile.Open(path, what);
        var (entries, metadata, dataStart) = ReadHeader(file, path);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in entries)
            {
                var tensor = torch.empty(entry.Shape, entry.DType);
                tensors[entry.Name] = tensor;
                file.Position = dataStart + entry.Begin;
                try { TensorBytes.ReadInto(tensor, file); }
                catch (EndOfStreamException e) { throw new InvalidInputException($"tensor '{entry.Name}': file is truncated", path, inner: e); }
                catch (IOException e) { throw new InvalidInputException($"tensor '{entry.Name}': cannot be read: {e.Message}", path, inner: e); }
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new Contents(tensors, metadata);
    }

    /// <summary>Reads every tensor as a state dict (name → CPU tensor, a new dictionary the caller owns); the metadata is checked and dropped.</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path, string what = "safetensors file") =>
        new(Read(path, what).Tensors, StringComparer.Ordinal);

    /// <summary>Reads only the header metadata (<c>__metadata__</c>), without touching tensor data.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path, string what = "safetensors file")
    {
        using var file = InputFile.Open(path, what);
        return ReadHeader(file, path).Metadata;
    }

    /// <summary>Validates the whole header against the file's length without reading tensor data; returns tensor name → shape.</summary>
    public static IReadOnlyDictionary<string, long[]> CheckHeader(string path, string what = "safetensors file")
    {
        using var file = InputFile.Open(path, what);
        return ReadHeader(file, path).Entries.ToDictionary(e => e.Name, e => e.Shape, StringComparer.Ordinal);
    }

    /// <summary>Writes a model's state dict as Hugging Face does: <see cref="PyTorchMetadata"/>, atomically.</summary>
    public static void WriteStateDict(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors) => Write(path, tensors, PyTorchMetadata);

    /// <summary>
    /// Writes <paramref name="tensors"/> atomically (temp file + rename). Data is laid out like the reference
    /// writer: 8-byte dtypes first, then by name, so every tensor is aligned to its element size.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var prepared = new List<(string Name, Tensor Tensor, bool Owned)>();
        try
        {
            foreach (var (name, tensor) in tensors)
            {
                var cpu = tensor.cpu().contiguous();
                prepared.Add((name, cpu, !ReferenceEquals(cpu, tensor)));
                _ = DTypeName(cpu.dtype, name, path);
            }
            var duplicate = prepared.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new ArgumentException($"tensor name '{duplicate.Key}' appears twice");
            prepared.Sort((a, b) =>
            {
                int bySize = TensorBytes.ElementSize(b.Tensor.dtype).CompareTo(TensorBytes.ElementSize(a.Tensor.dtype));
                return bySize != 0 ? bySize : string.CompareOrdinal(a.Name, b.Name);
            });

            var header = new JsonObject();
            if (metadata is not null && metadata.Count > 0)
            {
                var meta = new JsonObject();
                foreach (var (key, value) in metadata) meta[key] = value;
                header["__metadata__"] = meta;
            }
            long offset = 0;
            foreach (var (name, tensor, _) in prepared)
            {
                long length = TensorBytes.ByteLength(tensor);
                header[name] = new JsonObject
                {
                    ["dtype"] = DTypeName(tensor.dtype, name, path),
                    ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
                    ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + length)),
                };
                offset += length;
            }
            var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
            int padded = (headerBytes.Length + 7) / 8 * 8; // pad with spaces so the data starts 8-byte aligned
            var headerBlock = new byte[padded];
            headerBytes.CopyTo(headerBlock, 0);
            headerBlock.AsSpan(headerBytes.Length).Fill((byte)' ');

            AtomicFile.WriteStream(path, stream =>
            {
                // Not disposed: that would close the file before AtomicFile flushes it to disk.
                var buffered = new BufferedStream(stream, 1 << 20);
                Span<byte> prefix = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
                buffered.Write(prefix);
                buffered.Write(headerBlock);
                foreach (var (_, tensor, _) in prepared) TensorBytes.WriteTo(tensor, buffered);
                buffered.Flush();
            });
        }
        finally
        {
            foreach (var p in prepared) if (p.Owned) p.Tensor.Dispose();
        }
    }

    private sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    private static (List<Entry> Entries, Dictionary<string, string> Metadata, long DataStart) ReadHeader(FileStream file, string path)
    {
        long fileLength = file.Length;
        if (fileLength < 8) throw new InvalidInputException($"not a safetensors file: {fileLength} bytes, too short for the header length", path);
        Span<byte> prefix = stackalloc byte[8];
        file.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength == 0 || headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
            throw new InvalidInputException($"not a safetensors file or truncated: header length {headerLength} with {fileLength - 8} bytes after it", path);
        var headerBytes = new byte[headerLength];
        file.ReadExactly(headerBytes);
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes)) throw new InvalidInputException("safetensors header is not valid UTF-8", path);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes) as JsonObject ?? throw new InvalidInputException("safetensors header is not a JSON object", path);
            _ = header.Count; // the object's properties are materialised lazily; a duplicate key fails here, inside the try
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // ArgumentException: a key that appears twice; InvalidOperationException: a string that is no text.
            throw new InvalidInputException($"safetensors header is not valid JSON: {e.Message}", path, inner: e);
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<Entry>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is not JsonObject meta) throw new InvalidInputException("__metadata__ must be an object of strings", path);
                foreach (var (key, value) in meta)
                    metadata[key] = value is JsonValue v && v.TryGetValue(out string? s) ? s : throw new InvalidInputException($"__metadata__ entry '{key}' is not a string", path);
                continue;
            }
            entries.Add(ParseEntry(name, node, dataLength, path));
        }
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        return (entries, metadata, dataStart);
    }

    private static Entry ParseEntry(string name, JsonNode? node, long dataLength, string path)
    {
        InvalidInputException Bad(string message) => new($"tensor '{name}': {message}", path);
        if (node is not JsonObject obj) throw Bad("header entry is not an object");
        var dtypeName = obj["dtype"] is JsonValue dv && dv.TryGetValue(out string? d) ? d : throw Bad("missing dtype");
        var known = Array.FindIndex(DTypes, t => t.Name == dtypeName);
        if (known < 0) throw Bad($"dtype {dtypeName} is not supported ({SupportedNames})");
        var dtype = DTypes[known].Type;
        if (obj["shape"] is not JsonArray shapeNode) throw Bad("missing shape");
        var shape = shapeNode.Select(n => n is JsonValue v && v.TryGetValue(out long x) && x >= 0 ? x : throw Bad("shape must be non-negative integers")).ToArray();
        if (obj["data_offsets"] is not JsonArray { Count: 2 } offsets ||
            offsets[0] is not JsonValue b || !b.TryGetValue(out long begin) ||
            offsets[1] is not JsonValue e || !e.TryGetValue(out long end))
            throw Bad("data_offsets must be [begin, end]");
        if (begin < 0 || end < begin) throw Bad($"invalid data_offsets [{begin}, {end}]");
        long expected;
        try { expected = checked(shape.Aggregate(1L, (a, x) => checked(a * x)) * TensorBytes.ElementSize(dtype)); }
        catch (OverflowException) { throw Bad($"shape [{string.Join(", ", shape)}] holds more bytes than 64 bits can count"); }
        if (end - begin != expected)
            throw Bad($"data_offsets [{begin}, {end}] hold {end - begin} bytes but {dtypeName} [{string.Join(", ", shape)}] needs {expected}");
        if (end > dataLength)
            throw new InvalidInputException($"truncated: tensor '{name}' needs bytes [{begin}, {end}) of the data section, which has only {dataLength} bytes", path);
        return new Entry(name, dtype, shape, begin, end);
    }

    private static string DTypeName(ScalarType dtype, string name, string path)
    {
        var known = Array.FindIndex(DTypes, t => t.Type == dtype);
        return known >= 0 ? DTypes[known].Name
            : throw new ArgumentException($"{path}: tensor '{name}' has dtype {dtype}, which safetensors files here do not hold ({SupportedNames})");
    }
}
