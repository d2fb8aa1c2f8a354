namespace DslSft.Models.Import;

/// <summary>
/// Parses the parts of an ONNX ModelProto a weight importer needs (graph nodes, initializers, Constant values,
/// graph inputs/outputs) straight from the protobuf bytes. Field numbers are from onnx.proto3.
/// </summary>
public static class OnnxModelReader
{
    // ModelProto
    private const int ModelGraph = 7;
    // GraphProto
    private const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    // NodeProto
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5;
    // AttributeProto
    private const int AttributeName = 1, AttributeFloat = 2, AttributeInt = 3, AttributeString = 4, AttributeTensor = 5;
    // TensorProto
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorInt64Data = 7, TensorName = 8, TensorRawData = 9, TensorDataLocation = 14;
    // ValueInfoProto
    private const int ValueInfoName = 1;

    /// <summary>Reads the graph of an ONNX model held in <paramref name="bytes"/>; <paramref name="source"/> names it in errors.</summary>
    public static OnnxGraph Read(ReadOnlyMemory<byte> bytes, string source)
    {
        try
        {
            var model = new ProtobufReader(bytes);
            OnnxGraph? graph = null;
            while (model.TryReadTag(out var field, out var wire))
            {
                if (field == ModelGraph && wire == ProtobufReader.LengthDelimited) graph = ReadGraph(model.ReadMessage());
                else model.Skip(wire);
            }
            return graph ?? throw new InvalidInputException("not an ONNX model: no graph found", source);
        }
        catch (FormatException e)
        {
            throw new InvalidInputException($"not a valid ONNX model: {e.Message}", source, inner: e);
        }
    }

    private static OnnxGraph ReadGraph(ProtobufReader reader)
    {
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var inputs = new List<string>();
        var outputs = new List<string>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case GraphNode when wire == ProtobufReader.LengthDelimited:
                    nodes.Add(ReadNode(reader.ReadMessage()));
                    break;
                case GraphInitializer when wire == ProtobufReader.LengthDelimited:
                    var tensor = ReadTensor(reader.ReadMessage());
                    initializers[tensor.Name] = tensor;
                    break;
                case GraphInput when wire == ProtobufReader.LengthDelimited:
                    inputs.Add(ReadValueInfoName(reader.ReadMessage()));
                    break;
                case GraphOutput when wire == ProtobufReader.LengthDelimited:
                    outputs.Add(ReadValueInfoName(reader.ReadMessage()));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        // Some exporters store weights as Constant nodes; treat their values as initializers of the output name.
        foreach (var node in nodes)
            if (node.OpType == "Constant" && node.Outputs.Length == 1 && node.Attributes.TryGetValue("value", out var value) && value.Tensor is { } constant)
                initializers.TryAdd(node.Outputs[0], constant with { Name = node.Outputs[0] });
        // Graph inputs that are really initializers (older exporters list them as inputs) are not model inputs.
        return new OnnxGraph(nodes, initializers, inputs.Where(i => !initializers.ContainsKey(i)).ToList(), outputs);
    }

    private static OnnxNode ReadNode(ProtobufReader reader)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        string name = "", opType = "";
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case NodeInput: inputs.Add(reader.ReadString()); break;
                case NodeOutput: outputs.Add(reader.ReadString()); break;
                case NodeName: name = reader.ReadString(); break;
                case NodeOpType: opType = reader.ReadString(); break;
                case NodeAttribute when wire == ProtobufReader.LengthDelimited:
                    var attribute = ReadAttribute(reader.ReadMessage());
                    attributes[attribute.Name] = attribute;
                    break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxNode(name, opType, inputs.ToArray(), outputs.ToArray(), attributes);
    }

    private static OnnxAttribute ReadAttribute(ProtobufReader reader)
    {
        string name = "";
        long? integer = null;
        float? single = null;
        string? text = null;
        OnnxTensor? tensor = null;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case AttributeName: name = reader.ReadString(); break;
                case AttributeFloat when wire == ProtobufReader.Fixed32: single = BitConverter.UInt32BitsToSingle(reader.ReadFixed32()); break;
                case AttributeInt when wire == ProtobufReader.Varint: integer = reader.ReadInt64(); break;
                case AttributeString when wire == ProtobufReader.LengthDelimited: text = reader.ReadString(); break;
                case AttributeTensor when wire == ProtobufReader.LengthDelimited: tensor = ReadTensor(reader.ReadMessage()); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxAttribute(name, integer, single, text, tensor);
    }

    private static OnnxTensor ReadTensor(ProtobufReader reader)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        var int64s = new List<long>();
        var dataType = OnnxDataType.Undefined;
        var name = "";
        var raw = ReadOnlyMemory<byte>.Empty;
        var start = reader.Offset;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case TensorDims: reader.ReadInt64s(wire, dims); break;
                case TensorDataType: dataType = (OnnxDataType)reader.ReadInt64(); break;
                case TensorFloatData: reader.ReadFloats(wire, floats); break;
                case TensorInt64Data: reader.ReadInt64s(wire, int64s); break;
                case TensorName: name = reader.ReadString(); break;
                case TensorRawData: raw = reader.ReadBytes(); break;
                case TensorDataLocation:
                    if (reader.ReadInt64() != 0) throw new FormatException($"tensor at byte {start} keeps its data in an external file, which is not supported (re-export with the weights inside the .onnx)");
                    break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxTensor(name, dataType, dims.ToArray(), raw, floats.Count > 0 ? floats.ToArray() : null, int64s.Count > 0 ? int64s.ToArray() : null);
    }

    private static string ReadValueInfoName(ProtobufReader reader)
    {
        var name = "";
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == ValueInfoName && wire == ProtobufReader.LengthDelimited) name = reader.ReadString();
            else reader.Skip(wire);
        }
        return name;
    }
}
