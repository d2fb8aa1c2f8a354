using static TorchSharp.torch;

namespace DslSft.Sft;

/// <summary>
/// The sparse difference of one parameter tensor: strictly increasing row-major flat indices into a tensor
/// of <see cref="Shape"/>, and one float32 value per index. (composable-sft stores column-major linear
/// indices; the importer converts.)
/// </summary>
public sealed class SparseDiff
{
    public SparseDiff(long[] shape, Tensor indices, Tensor values)
    {
        if (indices.dtype != ScalarType.Int64 || indices.dim() != 1)
            throw new ArgumentException($"indices must be a 1-D int64 tensor, got {indices.dtype} with {indices.dim()} dims");
        if (values.dtype != ScalarType.Float32 || values.dim() != 1)
            throw new ArgumentException($"values must be a 1-D float32 tensor, got {values.dtype} with {values.dim()} dims");
        if (indices.shape[0] != values.shape[0])
            throw new ArgumentException($"indices ({indices.shape[0]}) and values ({values.shape[0]}) differ in length");
        Shape = shape;
        Indices = indices;
        Values = values;
    }

    /// <summary>Shape of the dense parameter this diff belongs to.</summary>
    public long[] Shape { get; }

    /// <summary>Sorted, unique row-major flat indices (int64, length nnz).</summary>
    public Tensor Indices { get; }

    /// <summary>Differences θ − θ0 at <see cref="Indices"/> (float32, length nnz).</summary>
    public Tensor Values { get; }

    /// <summary>Number of stored entries.</summary>
    public long Count => Indices.shape[0];

    /// <summary>Number of elements of the dense parameter.</summary>
    public long DenseSize => Shape.Aggregate(1L, (a, b) => a * b);
}
