using System.Runtime.InteropServices;
using DslSft.IO;
using DslSft.IO.Formats.Torch;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Sft.Formats;

/// <summary>
/// Import and export of composable-sft's <c>pytorch_diff.bin</c> (cambridgeltl/composable-sft, <c>SFT.save</c>):
/// a torch.save zip whose pickle is
/// <c>{'diffs': {name: {'size': torch.Size, 'index_steps': [first, step, ...], 'values': tensor}}, 'abs': {name: nn.Parameter}}</c>
/// with delta-encoded column-major linear indices. Reading never runs code from the file (see <see cref="RestrictedUnpickler"/>).
/// </summary>
public static class ComposableSftFile
{
    /// <summary>The file name composable-sft uses inside an SFT directory.</summary>
    public const string FileName = "pytorch_diff.bin";

    /// <summary>
    /// Imports an SFT from a <c>pytorch_diff.bin</c> file, or from a directory containing one. Diff indices are converted
    /// to sorted row-major flat indices; metadata records the method "imported" and the source.
    /// </summary>
    public static SparseFineTuning Import(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        using var archive = TorchArchiveReader.Open(file, "SFT file");
        if (archive.Root is not PickleDict root)
            throw new InvalidInputException($"top-level object is a {PickleDescribe.TypeName(archive.Root)}, expected a dict with 'diffs' and 'abs'", file);
        if (root.TryGetValue("body", out _) && !root.TryGetValue("diffs", out _))
            throw new InvalidInputException("this is an early composable-sft file ('body'/'head' with torch sparse tensors), which is not supported; re-save it with a current composable-sft", file);

        var diffs = new Dictionary<string, SparseDiff>(StringComparer.Ordinal);
        if (root.TryGetValue("diffs", out var diffsNode))
        {
            if (diffsNode is not PickleDict diffEntries) throw new InvalidInputException("'diffs' is not a dict", file);
            foreach (var (key, entry) in diffEntries.Items)
            {
                var name = key as string ?? throw new InvalidInputException($"diff key {key} is not a string", file);
                diffs[name] = ReadDiff(archive, name, entry, file);
            }
        }
        var abs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (root.TryGetValue("abs", out var absNode))
        {
            if (absNode is not PickleDict absEntries) throw new InvalidInputException("'abs' is not a dict", file);
            foreach (var (key, value) in absEntries.Items)
            {
                var name = key as string ?? throw new InvalidInputException($"abs key {key} is not a string", file);
                if (value is not TorchTensorRef tensor)
                    throw new InvalidInputException($"abs tensor '{name}' is a {PickleDescribe.TypeName(value)}, expected a tensor or nn.Parameter", file);
                abs[name] = archive.Materialize(Float32(tensor, file), $"abs tensor '{name}'");
                SparseFineTuning.ValidateAbs(name, abs[name], file);
            }
        }
        var metadata = new SftMetadata
        {
            Method = "imported",
            K = diffs.Values.Sum(d => d.Count),
            TrainingArguments = new Dictionary<string, string> { ["imported_from"] = Path.GetFullPath(file), ["source_format"] = "composable-sft pytorch_diff.bin" },
        };
        return new SparseFineTuning(diffs, abs, metadata);
    }

    /// <summary>composable-sft stores float32 values only; the archive reader itself accepts every storage type.</summary>
    private static TorchTensorRef Float32(TorchTensorRef tensor, string file) => tensor.Storage.StorageType == "torch.FloatStorage" ? tensor
        : throw new InvalidInputException($"storage '{tensor.Storage.Key}' has type {tensor.Storage.StorageType}; SFT tensors must be float32 (torch.FloatStorage)", file);

    private static SparseDiff ReadDiff(TorchArchiveReader archive, string name, object? entry, string file)
    {
        InvalidInputException Bad(string message) => new($"diff tensor '{name}': {message}", file);
        if (entry is not PickleDict fields) throw Bad($"entry is a {PickleDescribe.TypeName(entry)}, expected a dict with size, index_steps, values");
        if (!fields.TryGetValue("size", out var sizeNode) || sizeNode is not TorchSize size) throw Bad("'size' is missing or not a torch.Size");
        if (!fields.TryGetValue("index_steps", out var stepsNode) || stepsNode is not List<object?> steps) throw Bad("'index_steps' is missing or not a list");
        if (!fields.TryGetValue("values", out var valuesNode) || valuesNode is not TorchTensorRef valuesRef) throw Bad("'values' is missing or not a tensor");
        var shape = size.Dims;
        if (shape.Any(d => d < 0)) throw Bad($"negative dimension in size [{string.Join(", ", shape)}]");
        long numel;
        try { numel = shape.Aggregate(1L, (a, d) => checked(a * d)); }
        catch (OverflowException) { throw Bad("size is too large"); }
        if (valuesRef.Size.Length != 1 || valuesRef.Size[0] != steps.Count)
            throw Bad($"values has shape [{string.Join(", ", valuesRef.Size)}] but there are {steps.Count} index steps");

        // Undo the delta encoding: linear_k = steps[0] + ... + steps[k], strictly increasing column-major indices.
        var rowMajor = new long[steps.Count];
        long linear = 0;
        for (int k = 0; k < steps.Count; k++)
        {
            long step = steps[k] switch
            {
                long l => l,
                NumPyScalar { Value: long l } => l,
                var other => throw Bad($"index step {k} is a {PickleDescribe.TypeName(other)}, expected an int"),
            };
            if (k == 0 ? step < 0 : step <= 0)
                throw Bad(k == 0 ? $"first index {step} is negative" : $"index step {k} is {step}; indices must be strictly increasing");
            try { linear = checked(linear + step); }
            catch (OverflowException) { throw Bad($"index overflows 64 bits at step {k}"); }
            if (linear >= numel) throw Bad($"linear index {linear} at entry {k} is outside size [{string.Join(", ", shape)}] ({numel} elements)");
            rowMajor[k] = ColumnMajorIndex.ToRowMajor(linear, shape);
        }
        using var valuesTensor = archive.Materialize(Float32(valuesRef, file), $"diff tensor '{name}' values");
        var values = TensorBytes.ToArray<float>(valuesTensor);
        Array.Sort(rowMajor, values); // indices are unique, so the unstable sort is exact
        var diff = SparseDiff.FromArrays(shape, rowMajor, values);
        diff.Validate(name, file);
        return diff;
    }

    /// <summary>
    /// Exports <paramref name="sft"/> as a <c>pytorch_diff.bin</c> that composable-sft's <c>SFT(path)</c> loads:
    /// the same pickle structure (first index step a NumPy int64 scalar, abs values as nn.Parameters) and
    /// torch.save's zip layout. <paramref name="path"/> is a file, or a directory that receives <see cref="FileName"/>.
    /// DslSft metadata has no place in this format and is dropped.
    /// </summary>
    public static void Export(SparseFineTuning sft, string path)
    {
        sft.Validate();
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        var prefix = Path.GetFileNameWithoutExtension(file);
        if (prefix.Length == 0) prefix = "archive";

        var storages = new List<(string Key, Func<IEnumerable<ReadOnlyMemory<byte>>> Bytes, long Length)>();
        var disposables = new List<IDisposable>();
        try
        {
            var pickle = new PickleWriter();
            pickle.EmptyDict();
            pickle.Mark();

            pickle.Unicode("diffs");
            pickle.EmptyDict();
            pickle.Mark();
            foreach (var (name, diff) in sft.Diffs)
            {
                var (steps, values) = EncodeSteps(diff);
                pickle.Unicode(name);
                pickle.EmptyDict();
                pickle.Mark();
                pickle.Unicode("size");
                WriteTorchSize(pickle, diff.Shape);
                pickle.Unicode("index_steps");
                WriteIndexSteps(pickle, steps);
                pickle.Unicode("values");
                var key = storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
                storages.Add((key, () => [bytes], bytes.Length));
                WriteRebuildTensor(pickle, key, [values.Length], values.Length);
                pickle.SetItems();
            }
            pickle.SetItems();

            pickle.Unicode("abs");
            pickle.EmptyDict();
            pickle.Mark();
            foreach (var (name, value) in sft.Abs)
            {
                var cpu = value.detach().cpu().contiguous();
                disposables.Add(cpu);
                var key = storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                storages.Add((key, () => TensorBytes.Chunks(cpu), TensorBytes.ByteLength(cpu)));
                pickle.Unicode(name);
                // nn.Parameter(tensor, requires_grad=True), as SFT.abs holds the trained head parameters.
                pickle.Global("torch._utils", "_rebuild_parameter");
                WriteRebuildTensor(pickle, key, cpu.shape, cpu.numel());
                pickle.Bool(true);
                WriteOrderedDict(pickle);
                pickle.Tuple(3);
                pickle.Reduce();
            }
            pickle.SetItems();

            pickle.SetItems();
            var pickleBytes = pickle.Finish();

            AtomicFile.WriteStream(file, stream =>
            {
                var zip = new TorchZipWriter(stream, prefix);
                zip.Add("data.pkl", pickleBytes);
                // torch.save writes storages in sorted key order (as strings), then the version record.
                foreach (var (key, bytes, length) in storages.OrderBy(s => s.Key, StringComparer.Ordinal)) zip.Add($"data/{key}", length, bytes);
                zip.Add("version", "3\n"u8.ToArray());
                zip.Finish();
            });
        }
        finally
        {
            foreach (var d in disposables) d.Dispose();
        }
    }

    /// <summary>Column-major linear indices, sorted, delta-encoded; values permuted alongside.</summary>
    private static (long[] Steps, float[] Values) EncodeSteps(SparseDiff diff)
    {
        var (rowMajor, values) = diff.ToArrays();
        var linear = rowMajor.Select(i => ColumnMajorIndex.FromRowMajor(i, diff.Shape)).ToArray();
        Array.Sort(linear, values);
        var steps = new long[linear.Length];
        for (int k = 0; k < linear.Length; k++) steps[k] = k == 0 ? linear[0] : linear[k] - linear[k - 1];
        return (steps, values);
    }

    private static void WriteTorchSize(PickleWriter pickle, long[] dims)
    {
        pickle.Global("torch", "Size");
        WriteIntTuple(pickle, dims);
        pickle.Tuple(1);
        pickle.Reduce();
    }

    private static void WriteIntTuple(PickleWriter pickle, IReadOnlyList<long> items)
    {
        if (items.Count > 3) pickle.Mark();
        foreach (var item in items) pickle.Int(item);
        if (items.Count > 3) pickle.TupleFromMark();
        else pickle.Tuple(items.Count);
    }

    /// <summary>[numpy.int64(first), step, step, ...] exactly as composable-sft's encoder builds the list.</summary>
    private static void WriteIndexSteps(PickleWriter pickle, long[] steps)
    {
        pickle.EmptyList();
        if (steps.Length == 0) return;
        pickle.Mark();
        // numpy.core.multiarray.scalar(numpy.dtype('i8', False, True) + BUILD state, _codecs.encode(<8 bytes as latin-1>, 'latin1'))
        pickle.Global("numpy.core.multiarray", "scalar");
        pickle.Global("numpy", "dtype");
        pickle.Unicode("i8");
        pickle.Bool(false);
        pickle.Bool(true);
        pickle.Tuple(3);
        pickle.Reduce();
        pickle.Mark();
        pickle.Int(3);
        pickle.Unicode("<");
        pickle.None();
        pickle.None();
        pickle.None();
        pickle.Int(-1);
        pickle.Int(-1);
        pickle.Int(0);
        pickle.TupleFromMark();
        pickle.Build();
        pickle.Global("_codecs", "encode");
        var raw = BitConverter.GetBytes(steps[0]);
        if (!BitConverter.IsLittleEndian) Array.Reverse(raw);
        pickle.Unicode(new string(raw.Select(b => (char)b).ToArray()));
        pickle.Unicode("latin1");
        pickle.Tuple(2);
        pickle.Reduce();
        pickle.Tuple(2);
        pickle.Reduce();
        for (int k = 1; k < steps.Length; k++) pickle.Int(steps[k]);
        pickle.Appends();
    }

    /// <summary>_rebuild_tensor_v2(('storage', torch.FloatStorage, key, 'cpu', numel), 0, size, contiguous stride, False, OrderedDict()).</summary>
    private static void WriteRebuildTensor(PickleWriter pickle, string key, long[] size, long numel)
    {
        pickle.Global("torch._utils", "_rebuild_tensor_v2");
        pickle.Mark();
        pickle.Mark();
        pickle.Unicode("storage");
        pickle.Global("torch", "FloatStorage");
        pickle.Unicode(key);
        pickle.Unicode("cpu");
        pickle.Int(numel);
        pickle.TupleFromMark();
        pickle.BinPersId();
        pickle.Int(0);
        WriteIntTuple(pickle, size);
        var stride = new long[size.Length];
        long s = 1;
        for (int k = size.Length - 1; k >= 0; k--) { stride[k] = s; s *= Math.Max(size[k], 1); }
        WriteIntTuple(pickle, stride);
        pickle.Bool(false);
        WriteOrderedDict(pickle);
        pickle.TupleFromMark();
        pickle.Reduce();
    }

    private static void WriteOrderedDict(PickleWriter pickle)
    {
        pickle.Global("collections", "OrderedDict");
        pickle.EmptyTuple();
        pickle.Reduce();
    }
}
