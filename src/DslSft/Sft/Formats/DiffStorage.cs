// How one diff tensor's indices and values are laid out in an SFT file, written and read back.
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Sft.Formats;

/// <summary>
/// The encoding of one diff tensor in an SFT file: one name for its indices and one for its values, as recorded
/// per tensor in format version 2's <c>diff_storage</c>. Version 1 files are <see cref="Full"/> throughout.
/// Whatever the encoding, reading gives back int64 row-major flat indices and float32 values.
/// </summary>
internal sealed record DiffStorage(string Indices, string Values)
{
    /// <summary><c>diff.indices/&lt;name&gt;</c>: I64 sorted row-major flat indices.</summary>
    public const string Int64Indices = "i64";
    /// <summary><c>diff.indices/&lt;name&gt;</c>: I32 sorted row-major flat indices.</summary>
    public const string Int32Indices = "i32";
    /// <summary><c>diff.rows/&lt;name&gt;</c>: I32 sorted row numbers; the diff holds every entry of those rows.</summary>
    public const string Rows = "rows";
    /// <summary><c>diff.values/&lt;name&gt;</c>: F32 values.</summary>
    public const string Float32Values = "f32";
    /// <summary><c>diff.codes/&lt;name&gt;</c> (I8, one per value) and <c>diff.scales/&lt;name&gt;</c> (F16, one per block of 32): see <see cref="BlockQuantization.Q8_0"/>.</summary>
    public const string Q8_0Values = "q8_0";
    /// <summary><c>diff.codes/&lt;name&gt;</c> (U8, two 4-bit codes per byte) and <c>diff.scales/&lt;name&gt;</c> (F16, one per block of 32): see <see cref="BlockQuantization.Q4_0"/>.</summary>
    public const string Q4_0Values = "q4_0";

    public const string IndicesPrefix = "diff.indices/";
    public const string RowsPrefix = "diff.rows/";
    public const string ValuesPrefix = "diff.values/";
    public const string CodesPrefix = "diff.codes/";
    public const string ScalesPrefix = "diff.scales/";

    public static readonly IReadOnlyList<string> IndexEncodings = [Int64Indices, Int32Indices, Rows];
    public static readonly IReadOnlyList<string> ValueEncodings = [Float32Values, Q8_0Values, Q4_0Values];

    /// <summary>Version 1's encoding: int64 indices, float32 values.</summary>
    public static readonly DiffStorage Full = new(Int64Indices, Float32Values);

    /// <summary>A diff encoded for writing: its encoding, its tensors, and which of those were made here (to dispose after writing).</summary>
    public sealed record Encoded(DiffStorage Storage, IReadOnlyList<KeyValuePair<string, Tensor>> Tensors, IReadOnlyList<Tensor> Created);

    /// <summary>
    /// Encodes <paramref name="diff"/> (already validated: sorted unique indices) for <paramref name="storage"/>.
    /// Compact picks per tensor: indices as rows when the entries are exactly some whole rows of a tensor whose rows
    /// have 2 or more entries, else int32 when the tensor has fewer than 2^31 entries, else int64; values as Q8_0
    /// (<see cref="SftStorage.CompactQ4"/>: Q4_0) unless a value is not finite or too large for an fp16 scale, then float32.
    /// </summary>
    public static Encoded Encode(string name, SparseDiff diff, SftStorage storage)
    {
        if (storage == SftStorage.Full)
            return new Encoded(Full, [new(IndicesPrefix + name, diff.Indices), new(ValuesPrefix + name, diff.Values)], []);

        var tensors = new List<KeyValuePair<string, Tensor>>();
        var created = new List<Tensor>();
        string indices;
        if (WholeRows(diff) is { } rows)
        {
            indices = Rows;
            created.Add(rows);
            tensors.Add(new(RowsPrefix + name, rows));
        }
        else if (diff.DenseSize <= int.MaxValue)
        {
            indices = Int32Indices;
            var narrow = diff.Indices.to(ScalarType.Int32, CPU);
            created.Add(narrow);
            tensors.Add(new(IndicesPrefix + name, narrow));
        }
        else
        {
            indices = Int64Indices;
            tensors.Add(new(IndicesPrefix + name, diff.Indices));
        }

        string values;
        var quantization = storage == SftStorage.CompactQ4 ? BlockQuantization.Q4_0 : BlockQuantization.Q8_0;
        if (quantization.TryEncode(diff.Values, out var codes, out var scales))
        {
            values = quantization == BlockQuantization.Q4_0 ? Q4_0Values : Q8_0Values;
            created.Add(codes);
            created.Add(scales);
            tensors.Add(new(CodesPrefix + name, codes));
            tensors.Add(new(ScalesPrefix + name, scales));
        }
        else
        {
            values = Float32Values;
            tensors.Add(new(ValuesPrefix + name, diff.Values));
        }
        return new Encoded(new DiffStorage(indices, values), tensors, created);
    }

    /// <summary>
    /// Reads the diff tensor <paramref name="name"/> of dense shape <paramref name="shape"/> in this encoding.
    /// <paramref name="take"/> returns a file tensor by key and dtype (raising <see cref="InvalidInputException"/>
    /// when it is missing or has another dtype). Lengths are checked against each other before anything is
    /// expanded, so what is allocated stays proportional to the file's size.
    /// </summary>
    public SparseDiff Decode(string name, long[] shape, Func<string, ScalarType, Tensor> take, string path)
    {
        InvalidInputException Bad(string message) => new($"diff tensor '{name}': {message}", path);
        static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
        Tensor OneDimensional(string key, ScalarType dtype)
        {
            var tensor = take(key, dtype);
            return tensor.dim() == 1 ? tensor : throw Bad($"tensor '{key}' must be 1-D, got {Shape(tensor)}");
        }

        var created = new List<Tensor>();
        try
        {
            // The index tensor fixes the number of entries.
            Tensor? flat = null, rows = null;
            long rowLength = 0, count;
            switch (Indices)
            {
                case Int64Indices or Int32Indices:
                    flat = OneDimensional(IndicesPrefix + name, Indices == Int64Indices ? ScalarType.Int64 : ScalarType.Int32);
                    count = flat.shape[0];
                    break;
                case Rows:
                    rows = OneDimensional(RowsPrefix + name, ScalarType.Int32);
                    rowLength = RowLength(shape, name, path);
                    count = checked(CheckRows(rows, shape.Length == 0 ? 0 : shape[0], name, path) * rowLength); // ≤ the dense size
                    break;
                default:
                    throw Bad($"unknown index storage '{Indices}'");
            }

            Tensor values;
            switch (Values)
            {
                case Float32Values:
                    values = OneDimensional(ValuesPrefix + name, ScalarType.Float32);
                    if (values.shape[0] != count) throw Bad($"{count} indices but {values.shape[0]} values");
                    break;
                case Q8_0Values or Q4_0Values:
                    var quantization = Values == Q4_0Values ? BlockQuantization.Q4_0 : BlockQuantization.Q8_0;
                    var codes = OneDimensional(CodesPrefix + name, quantization.CodeType);
                    var scales = OneDimensional(ScalesPrefix + name, ScalarType.Float16);
                    values = quantization.Decode(codes, scales, count, name, path);
                    created.Add(codes);
                    created.Add(scales);
                    break;
                default:
                    throw Bad($"unknown value storage '{Values}'");
            }

            Tensor indices;
            if (rows is not null)
            {
                using var first = rows.to(ScalarType.Int64).mul_(rowLength);
                using var offsets = torch.arange(rowLength, ScalarType.Int64);
                indices = first.unsqueeze(1).add(offsets).reshape(-1);
                created.Add(rows);
            }
            else if (flat!.dtype == ScalarType.Int32)
            {
                indices = flat.to(ScalarType.Int64);
                created.Add(flat);
            }
            else indices = flat;

            var diff = new SparseDiff(shape, indices, values);
            diff.Validate(name, path);
            foreach (var t in created) t.Dispose();
            return diff;
        }
        catch (OverflowException)
        {
            throw Bad($"shape [{string.Join(", ", shape)}] has more entries than 64 bits can count");
        }
    }

    /// <summary>
    /// The int32 row numbers when <paramref name="diff"/> holds exactly every entry of some rows (row = flat index
    /// divided by the row length numel/shape[0]) and rows have at least 2 entries; otherwise null.
    /// </summary>
    private static unsafe Tensor? WholeRows(SparseDiff diff)
    {
        if (diff.Shape.Length < 2 || diff.Shape[0] == 0 || diff.Shape[0] > int.MaxValue) return null;
        long rowLength = diff.DenseSize / diff.Shape[0];
        long count = diff.Count;
        if (rowLength < 2 || count % rowLength != 0) return null;
        using var cpu = diff.Indices.detach().cpu().contiguous();
        var rows = torch.empty(count / rowLength, ScalarType.Int32);
        if (count == 0) return rows;
        var index = (long*)Native.TensorMemory.Address(cpu, ScalarType.Int64);
        var row = (int*)Native.TensorMemory.Address(rows, ScalarType.Int32);
        for (long r = 0; r < count / rowLength; r++)
        {
            // Indices are strictly increasing, so a run of rowLength entries that starts at a row's first entry
            // and ends at its last entry is that whole row.
            long start = index[r * rowLength];
            if (start % rowLength != 0 || index[(r + 1) * rowLength - 1] != start + rowLength - 1)
            {
                rows.Dispose();
                return null;
            }
            row[r] = (int)(start / rowLength);
        }
        GC.KeepAlive(cpu);
        GC.KeepAlive(rows);
        return rows;
    }

    private static long RowLength(long[] shape, string name, string path)
    {
        if (shape.Length == 0 || shape[0] == 0)
            throw new InvalidInputException($"diff tensor '{name}': row storage needs a tensor with rows, but its shape is [{string.Join(", ", shape)}]", path);
        return shape.Skip(1).Aggregate(1L, (a, d) => checked(a * d));
    }

    /// <summary>Checks that row numbers are strictly increasing and below <paramref name="rowCount"/>; returns how many there are.</summary>
    private static unsafe long CheckRows(Tensor rows, long rowCount, string name, string path)
    {
        long count = rows.shape[0];
        if (count == 0) return 0;
        var row = (int*)Native.TensorMemory.Address(rows, ScalarType.Int32);
        long previous = -1;
        for (long i = 0; i < count; i++)
        {
            long r = row[i];
            string? problem =
                r < 0 ? $"row number {r} at entry {i} is negative" :
                r <= previous ? $"row numbers are not strictly increasing at entry {i} ({previous} then {r})" :
                r >= rowCount ? $"row number {r} at entry {i} is outside the tensor's {rowCount} rows" : null;
            if (problem is not null) throw new InvalidInputException($"diff tensor '{name}': {problem}", path);
            previous = r;
        }
        GC.KeepAlive(rows);
        return count;
    }
}
