using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using DslSft.IO;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace DslSft.Models.Checkpoints;

/// <summary>
/// Reads and writes <c>.safetensors</c> files. Reading checks the header first (sizes, offsets, dtypes against the
/// file length), so a truncated or corrupt file is an <see cref="InvalidInputException"/> naming the file and the
/// tensor instead of a failure deep inside the reader; the tensors are then read with TorchSharp.PyBridge.
/// Writing is done here (HF's loader requires the <c>{"format":"pt"}</c> metadata) and is atomic.
/// </summary>
public static class SafetensorsFile
{
    private static readonly Dictionary<string, int> DtypeSizes = new()
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    /// <summary>Reads every tensor of <paramref name="path"/> (CPU tensors, names as stored).</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        CheckHeader(path);
        try
        {
            return Safetensors.LoadStateDict(path);
        }
        catch (Exception e) when (e is not InvalidInputException)
        {
            throw new InvalidInputException($"cannot read safetensors file: {e.Message}", path, inner: e);
        }
    }

    /// <summary>Validates the header of <paramref name="path"/> against the file length; returns tensor name → shape.</summary>
    public static Dictionary<string, long[]> CheckHeader(string path)
    {
        using var stream = InputFile.Open(path, "safetensors file");
        var length = stream.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (length < 8 || stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
            throw new InvalidInputException($"not a safetensors file: {length} bytes, shorter than the 8-byte header length", path);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(length - 8) || headerLength > 100_000_000)
            throw new InvalidInputException($"not a safetensors file or truncated: header claims {headerLength} bytes, the file has {length - 8} after the length field", path);
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes)) throw new InvalidInputException("malformed safetensors header: not valid UTF-8", path);
        var dataLength = length - 8 - (long)headerLength;
        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"malformed safetensors header: {e.Message}", path, inner: e);
        }
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidInputException("malformed safetensors header: not a JSON object", path);
            foreach (var tensor in header.RootElement.EnumerateObject())
            {
                if (tensor.Name == "__metadata__") continue;
                try
                {
                    var dtype = tensor.Value.GetProperty("dtype").GetString() ?? "";
                    var shape = tensor.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                    var offsets = tensor.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                    if (!DtypeSizes.TryGetValue(dtype, out var elementSize))
                        throw new InvalidInputException($"tensor '{tensor.Name}' has unsupported dtype '{dtype}'", path);
                    if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
                        throw new InvalidInputException($"tensor '{tensor.Name}' has invalid data_offsets [{string.Join(", ", offsets)}]", path);
                    if (shape.Any(d => d < 0))
                        throw new InvalidInputException($"tensor '{tensor.Name}' has a negative dimension in shape [{string.Join(", ", shape)}]", path);
                    long expected;
                    try { expected = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * elementSize); }
                    catch (OverflowException) { throw new InvalidInputException($"tensor '{tensor.Name}': shape [{string.Join(", ", shape)}] holds more bytes than 64 bits can count", path); }
                    if (offsets[1] - offsets[0] != expected)
                        throw new InvalidInputException($"tensor '{tensor.Name}' ({dtype} [{string.Join(", ", shape)}]) needs {expected} bytes but its data_offsets span {offsets[1] - offsets[0]}", path);
                    if (offsets[1] > dataLength)
                        throw new InvalidInputException($"truncated: tensor '{tensor.Name}' needs bytes [{offsets[0]}, {offsets[1]}) of the data section, which has only {dataLength} bytes", path);
                    shapes[tensor.Name] = shape;
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    throw new InvalidInputException($"malformed safetensors header entry for tensor '{tensor.Name}': {e.Message}", path, inner: e);
                }
            }
        }
        return shapes;
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> (float32/int64/... CPU or device tensors) to <paramref name="path"/> atomically,
    /// sorted by name, with <c>{"format":"pt"}</c> metadata as HF writes it.
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var names = tensors.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        var blobs = new List<byte[]>(names.Count);
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        foreach (var name in names)
        {
            var tensor = tensors[name];
            var (dtype, bytes) = ToBytes(tensor);
            blobs.Add(bytes);
            header.Append(',').Append(JsonSerializer.Serialize(name)).Append(":{\"dtype\":\"").Append(dtype)
                .Append("\",\"shape\":[").Append(string.Join(",", tensor.shape)).Append("],\"data_offsets\":[")
                .Append(offset).Append(',').Append(offset + bytes.Length).Append("]}");
            offset += bytes.Length;
        }
        header.Append('}');
        // The data section must start 8-byte aligned; pad the header with spaces like the reference writer.
        while ((Encoding.UTF8.GetByteCount(header.ToString()) % 8) != 0) header.Append(' ');
        var headerBytes = Encoding.UTF8.GetBytes(header.ToString());
        AtomicFile.WriteStream(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
            stream.Write(length);
            stream.Write(headerBytes);
            foreach (var blob in blobs) stream.Write(blob);
        });
    }

    private static (string Dtype, byte[] Bytes) ToBytes(Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        return cpu.dtype switch
        {
            ScalarType.Float32 => ("F32", cpu.bytes.ToArray()),
            ScalarType.Float64 => ("F64", cpu.bytes.ToArray()),
            ScalarType.Float16 => ("F16", cpu.bytes.ToArray()),
            ScalarType.BFloat16 => ("BF16", cpu.bytes.ToArray()),
            ScalarType.Int64 => ("I64", cpu.bytes.ToArray()),
            ScalarType.Int32 => ("I32", cpu.bytes.ToArray()),
            ScalarType.Int8 => ("I8", cpu.bytes.ToArray()),
            ScalarType.Byte => ("U8", cpu.bytes.ToArray()),
            ScalarType.Bool => ("BOOL", cpu.bytes.ToArray()),
            _ => throw new NotSupportedException($"cannot write dtype {cpu.dtype} to safetensors"),
        };
    }
}
