namespace DslSft.Models.Import;

/// <summary>An ONNX tensor constant (initializer or Constant node value): name, element type, shape and its data.</summary>
public sealed record OnnxTensor(string Name, OnnxDataType DataType, long[] Dims, ReadOnlyMemory<byte> RawData, float[]? FloatData, long[]? Int64Data)
{
    public long ElementCount => Dims.Aggregate(1L, (a, b) => a * b);

    /// <summary>The values as float32 (from raw_data or float_data).</summary>
    public float[] ToFloats()
    {
        if (DataType != OnnxDataType.Float) throw new InvalidOperationException($"tensor '{Name}' is {DataType}, not float32");
        if (FloatData is { Length: > 0 } || RawData.IsEmpty)
        {
            var data = FloatData ?? [];
            if (data.Length != ElementCount) throw new FormatException($"tensor '{Name}' has {data.Length} values for shape [{string.Join(", ", Dims)}]");
            return data;
        }
        if (RawData.Length != ElementCount * 4) throw new FormatException($"tensor '{Name}' has {RawData.Length} raw bytes for shape [{string.Join(", ", Dims)}] (expected {ElementCount * 4})");
        var values = new float[ElementCount];
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(RawData.Span).CopyTo(values);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian");
        return values;
    }

    /// <summary>The values as int64 (from raw_data or int64_data).</summary>
    public long[] ToInt64s()
    {
        if (DataType != OnnxDataType.Int64) throw new InvalidOperationException($"tensor '{Name}' is {DataType}, not int64");
        if (Int64Data is { Length: > 0 } || RawData.IsEmpty) return Int64Data ?? [];
        if (RawData.Length != ElementCount * 8) throw new FormatException($"tensor '{Name}' has {RawData.Length} raw bytes for shape [{string.Join(", ", Dims)}]");
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(RawData.Span).ToArray();
    }
}

/// <summary>ONNX TensorProto.DataType values this importer meets.</summary>
public enum OnnxDataType
{
    Undefined = 0, Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8, Bool = 9,
    Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, BFloat16 = 16,
}

/// <summary>One graph node: operator, input and output value names, and its integer/float/tensor attributes.</summary>
public sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs, IReadOnlyDictionary<string, OnnxAttribute> Attributes);

/// <summary>A node attribute; only the kinds the importer reads are kept.</summary>
public sealed record OnnxAttribute(string Name, long? Int, float? Float, string? String, OnnxTensor? Tensor);

/// <summary>The main graph of an ONNX model: nodes in order, initializers by name, graph input and output names.</summary>
public sealed record OnnxGraph(IReadOnlyList<OnnxNode> Nodes, IReadOnlyDictionary<string, OnnxTensor> Initializers, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);
