namespace DslSft.IO.Formats.Torch;

// Plain data produced by RestrictedUnpickler. Python values map to: int -> long, float -> double,
// str -> string, bytes -> byte[], bool -> bool, None -> null, list -> List<object?>, dict -> PickleDict,
// tuple -> PickleTuple. Calls of the allowed globals produce the records below; nothing else can be built.

/// <summary>A Python tuple (kept distinct from lists so structure checks can tell them apart).</summary>
public sealed class PickleTuple(object?[] items)
{
    public object?[] Items { get; } = items;
    public int Count => Items.Length;
    public object? this[int index] => Items[index];
    public override string ToString() => $"tuple({Items.Length})";
}

/// <summary>A Python dict or collections.OrderedDict, in insertion order.</summary>
public sealed class PickleDict
{
    private readonly OrderedDictionary<object, object?> _items = new();

    public int Count => _items.Count;
    public IEnumerable<KeyValuePair<object, object?>> Items => _items;
    public bool TryGetValue(object key, out object? value) => _items.TryGetValue(key, out value);

    internal void Set(object? key, object? value, string source, long offset)
    {
        // Only hashable-by-value keys are meaningful here; SFT files use string keys.
        if (key is not (string or long or bool or double))
            throw new InvalidInputException($"pickle dict key of type {PickleDescribe.TypeName(key)} at byte {offset} is not supported", source);
        _items[key] = value;
    }

    public override string ToString() => $"dict({Count})";
}

/// <summary>A reference to one of the allowed globals (for example <c>torch.Size</c>), callable through REDUCE.</summary>
public sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
    public override string ToString() => FullName;
}

/// <summary><c>torch.Size(dims)</c>.</summary>
public sealed record TorchSize(long[] Dims)
{
    public override string ToString() => $"torch.Size([{string.Join(", ", Dims)}])";
}

/// <summary>A storage named by a persistent id: <c>("storage", torch.FloatStorage, key, location, numel)</c>.</summary>
public sealed record TorchStorageRef(string Key, string StorageType, string Location, long ElementCount);

/// <summary>
/// A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it (storage, element offset, size, stride),
/// optionally wrapped by <c>_rebuild_parameter</c> (an nn.Parameter).
/// </summary>
public sealed record TorchTensorRef(TorchStorageRef Storage, long StorageOffset, long[] Size, long[] Stride, bool RequiresGrad, bool IsParameter = false)
{
    public long ElementCount => Size.Aggregate(1L, (a, b) => checked(a * b));
}

/// <summary><c>numpy.dtype(descr, align, copy)</c>; BUILD sets the byte order from the pickled state tuple.</summary>
public sealed class NumPyDType(string descr)
{
    public string Descr { get; } = descr;
    /// <summary>'&lt;' little, '&gt;' big, '|' not applicable, '=' native. Python's default for int64 is '&lt;' on x86.</summary>
    public char ByteOrder { get; internal set; } = '=';
    public override string ToString() => $"numpy.dtype('{Descr}')";
}

/// <summary>A NumPy scalar (<c>numpy.core.multiarray.scalar(dtype, raw bytes)</c>), decoded to a long or double.</summary>
public sealed record NumPyScalar(string Descr, object Value)
{
    public override string ToString() => $"numpy.{Descr}({Value})";
}

internal static class PickleDescribe
{
    public static string TypeName(object? value) => value switch
    {
        null => "None",
        long => "int",
        double => "float",
        string => "str",
        bool => "bool",
        byte[] => "bytes",
        List<object?> => "list",
        PickleTuple => "tuple",
        PickleDict => "dict",
        PickleGlobal g => g.FullName,
        TorchSize => "torch.Size",
        TorchTensorRef t => t.IsParameter ? "torch.nn.Parameter" : "torch.Tensor",
        NumPyDType => "numpy.dtype",
        NumPyScalar s => $"numpy scalar ({s.Descr})",
        _ => value.GetType().Name,
    };
}
