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
        return (IO.Formats.TensorBytes.ToArray<long>(Indices), IO.Formats.TensorBytes.ToArray<float>(Values));
    }

    /// <summary>A new diff (new tensors) holding only the entries whose value is not exactly zero.</summary>
    public SparseDiff WithoutZeroEntries()
    {
        using var keep = Values.ne(0);
        return new SparseDiff((long[])Shape.Clone(), Indices.masked_select(keep), Values.masked_select(keep));
    }

    /// <summary>
    /// A new diff (new tensors) without the rows (first-dimension slices) whose stored entries are all exactly zero;
    /// a row with any non-zero entry keeps all its entries. For 0-D and 1-D tensors a row is one entry.
    /// </summary>
    public SparseDiff WithoutZeroRows()
    {
        long rows = Shape.Length == 0 ? 1 : Shape[0];
        long rowLength = Shape.Length < 2 || rows == 0 ? 1 : DenseSize / rows;
        using var scope = torch.NewDisposeScope();
        var row = Indices.div(rowLength, rounding_mode: RoundingMode.floor);
        var changed = torch.zeros(rows, ScalarType.Bool, Indices.device).index_fill_(0, row.masked_select(Values.ne(0)), true);
        var keep = changed.index_select(0, row);
        return new SparseDiff((long[])Shape.Clone(), Indices.masked_select(keep).MoveToOuterDisposeScope(), Values.masked_select(keep).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// A new diff (new tensors) in which every row that has a stored entry has all of them, the added ones zero: the
    /// form in which compact storage keeps a dense fine-tuning's diff as row numbers instead of per-entry indices.
    /// Applying it gives the same weights.
    /// </summary>
    public SparseDiff WithCompleteRows()
    {
        long rows = Shape.Length == 0 ? 1 : Shape[0];
        long rowLength = Shape.Length < 2 || rows == 0 ? 1 : DenseSize / rows;
        using var scope = torch.NewDisposeScope();
        var dense = torch.zeros(DenseSize, ScalarType.Float32, Values.device).index_put_(Values, Indices);
        var touched = torch.unique_consecutive(Indices.div(rowLength, rounding_mode: RoundingMode.floor)).Item1;
        var indices = (touched.unsqueeze(1) * rowLength + torch.arange(rowLength, ScalarType.Int64, Indices.device).unsqueeze(0)).reshape(-1);
        return new SparseDiff((long[])Shape.Clone(), indices.MoveToOuterDisposeScope(), dense.index_select(0, indices).MoveToOuterDisposeScope());
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
        var values = IO.Formats.TensorBytes.ToArray<float>(Values);
        int nonFinite = Array.FindIndex(values, v => !float.IsFinite(v));
        if (nonFinite >= 0)
            throw new InvalidInputException($"diff tensor '{name}': value {values[nonFinite]} at entry {nonFinite} is not finite", source);
        var indices = IO.Formats.TensorBytes.ToArray<long>(Indices);
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
