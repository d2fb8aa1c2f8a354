using System.Text;

namespace DslSft.Tests.Import;

/// <summary>Writes small ONNX ModelProto messages in the protobuf wire format, to feed the importer graphs that are not BERT.</summary>
public static class OnnxBytes
{
    public static byte[] Model(byte[]? graph)
    {
        var model = new List<byte>();
        Field(model, 1, 0, Varint(8));                           // ir_version = 8
        if (graph is not null) Field(model, 7, 2, graph);        // graph
        return model.ToArray();
    }

    public static byte[] Graph(byte[][] nodes, byte[][] initializers)
    {
        var graph = new List<byte>();
        foreach (var node in nodes) Field(graph, 1, 2, node);
        Field(graph, 2, 2, Encoding.UTF8.GetBytes("test"));
        foreach (var tensor in initializers) Field(graph, 5, 2, tensor);
        return graph.ToArray();
    }

    public static byte[] Node(string opType, string[] inputs, string[] outputs, string name = "")
    {
        var node = new List<byte>();
        foreach (var input in inputs) Field(node, 1, 2, Encoding.UTF8.GetBytes(input));
        foreach (var output in outputs) Field(node, 2, 2, Encoding.UTF8.GetBytes(output));
        Field(node, 3, 2, Encoding.UTF8.GetBytes(name));
        Field(node, 4, 2, Encoding.UTF8.GetBytes(opType));
        return node.ToArray();
    }

    public static byte[] FloatTensor(string name, long[] dims, float[] values)
    {
        var tensor = new List<byte>();
        Field(tensor, 1, 2, dims.SelectMany(d => Varint((ulong)d)).ToArray()); // packed dims
        Field(tensor, 2, 0, Varint(1));                                        // FLOAT
        Field(tensor, 8, 2, Encoding.UTF8.GetBytes(name));
        Field(tensor, 9, 2, values.SelectMany(BitConverter.GetBytes).ToArray()); // raw_data
        return tensor.ToArray();
    }

    private static void Field(List<byte> into, int number, int wireType, byte[] payload)
    {
        into.AddRange(Varint((ulong)(number << 3 | wireType)));
        if (wireType == 2) into.AddRange(Varint((ulong)payload.Length));
        into.AddRange(payload);
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        } while (value != 0);
        return bytes.ToArray();
    }
}
