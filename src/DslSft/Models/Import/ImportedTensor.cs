namespace DslSft.Models.Import;

/// <summary>One weight recovered from an ONNX graph under its HF name, row-major float32, with where it came from.</summary>
public sealed record ImportedTensor(string Name, long[] Shape, float[] Data, string OnnxName, bool Transposed)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
