using TorchSharp;
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

    /// <summary>Number of elements of the dense parameter (an <see cref="OverflowException"/> past 64 bits).</summary>
    public long DenseSize => Shape.Aggregate(1L, (a, b) => checked(a * b));

    /// <summary>A diff from plain arrays (copied into CPU tensors). Indices must already be sorted row-major flat indices.</summary>
    public static SparseDiff FromArrays(long[] shape, long[] rowMajorIndices, float[] values) =>
        new((long[])shape.Clone(), torch.tensor(rowMajorIndices, ScalarType.Int64), torch.tensor(values, ScalarType.Float32));

    /// <summary>A diff with no entries.</summary>
    public static SparseDiff Empty(long[] shape) => FromArrays(shape, [], []);

    /// <summary>Indices and values copied to managed arrays.</summary>
    public (long[] Indices, float[] Values) ToArrays()
    {
        return (Formats.TensorBytes.ToArray<long>(Indices), Formats.TensorBytes.ToArray<float>(Values));
    }

    /// <summary>
    /// Checks the invariants the file formats and apply kernels rely on: non-negative shape, indices strictly
    /// increasing and inside the dense tensor, values finite (a NaN or infinity would poison every model it is
    /// applied to). Throws <see cref="InvalidInputException"/> naming the tensor (and <paramref name="source"/>,
    /// usually the file it came from).
    /// </summary>
    public void Validate(string name, string? source = null)
    {
        if (Shape.Any(d => d < 0))
            throw new InvalidInputException($"diff tensor '{name}' has a negative dimension in shape [{string.Join(", ", Shape)}]", source);
        long size;
        try { size = DenseSize; }
        catch (OverflowException) { throw new InvalidInputException($"diff tensor '{name}': shape [{string.Join(", ", Shape)}] has more elements than 64 bits can count", source); }
        var values = Formats.TensorBytes.ToArray<float>(Values);
        int nonFinite = Array.FindIndex(values, v => !float.IsFinite(v));
        if (nonFinite >= 0)
            throw new InvalidInputException($"diff tensor '{name}': value {values[nonFinite]} at entry {nonFinite} is not finite", source);
        var indices = Formats.TensorBytes.ToArray<long>(Indices);
        long previous = -1;
        for (long i = 0; i < indices.Length; i++)
        {
            long index = indices[i];
            if (index <= previous)
                throw new InvalidInputException($"diff tensor '{name}': indices are not strictly increasing at entry {i} ({previous} then {index})", source);
            if (index >= size)
                throw new InvalidInputException($"diff tensor '{name}': index {index} at entry {i} is outside the tensor of shape [{string.Join(", ", Shape)}] ({size} elements)", source);
            previous = index;
        }
    }
}
