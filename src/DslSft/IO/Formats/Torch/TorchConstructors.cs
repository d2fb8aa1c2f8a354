namespace DslSft.IO.Formats.Torch;

/// <summary>Data-only stand-ins for the torch / collections callables that torch.save pickles reference.</summary>
internal static class TorchConstructors
{
    /// <summary><c>torch.Size((d0, d1, ...))</c>.</summary>
    public static object? Size(object?[] args, Func<string, Exception> error)
    {
        if (args is not [PickleTuple dims]) throw error("expects one tuple of ints");
        return new TorchSize(LongTuple(dims, "size", error));
    }

    /// <summary><c>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])</c>.</summary>
    public static object? RebuildTensor(object?[] args, Func<string, Exception> error)
    {
        if (args.Length is < 6 or > 7) throw error($"expects 6 or 7 arguments, got {args.Length}");
        if (args[0] is not TorchStorageRef storage) throw error($"argument 0 must be a storage, got {PickleDescribe.TypeName(args[0])}");
        if (args[1] is not long offset || offset < 0) throw error("argument 1 (storage offset) must be a non-negative int");
        if (args[2] is not PickleTuple size) throw error("argument 2 (size) must be a tuple");
        if (args[3] is not PickleTuple stride) throw error("argument 3 (stride) must be a tuple");
        if (args[4] is not bool requiresGrad) throw error("argument 4 (requires_grad) must be a bool");
        RequireEmptyHooks(args[5], error);
        var tensor = new TorchTensorRef(storage, offset, LongTuple(size, "size", error), LongTuple(stride, "stride", error), requiresGrad);
        if (tensor.Size.Length != tensor.Stride.Length) throw error($"size has {tensor.Size.Length} dims but stride has {tensor.Stride.Length}");
        if (tensor.Size.Any(d => d < 0) || tensor.Stride.Any(s => s < 0)) throw error("negative size or stride");
        // The last element reached must lie inside the storage; sizes and strides are the file's, so count in checked arithmetic.
        try
        {
            if (tensor.ElementCount > 0)
            {
                long last = offset;
                for (int i = 0; i < tensor.Size.Length; i++) last = checked(last + (tensor.Size[i] - 1) * tensor.Stride[i]);
                if (last >= storage.ElementCount)
                    throw error($"tensor of size [{string.Join(", ", tensor.Size)}] at offset {offset} reaches element {last} of a storage with {storage.ElementCount} elements");
            }
        }
        catch (OverflowException)
        {
            throw error($"tensor of size [{string.Join(", ", tensor.Size)}] with stride [{string.Join(", ", tensor.Stride)}] at offset {offset} reaches past 64-bit element counts");
        }
        return tensor;
    }

    /// <summary><c>_rebuild_parameter(tensor, requires_grad, backward_hooks)</c>: an nn.Parameter.</summary>
    public static object? RebuildParameter(object?[] args, Func<string, Exception> error)
    {
        if (args is not [TorchTensorRef tensor, bool requiresGrad, var hooks]) throw error("expects (tensor, requires_grad, backward_hooks)");
        RequireEmptyHooks(hooks, error);
        return tensor with { RequiresGrad = requiresGrad, IsParameter = true };
    }

    /// <summary><c>collections.OrderedDict()</c>, optionally from a list of (key, value) pairs.</summary>
    public static object? OrderedDict(object?[] args, Func<string, Exception> error)
    {
        var dict = new PickleDict();
        if (args.Length == 0) return dict;
        if (args is not [List<object?> pairs]) throw error("expects no arguments or a list of pairs");
        foreach (var pair in pairs)
        {
            if (pair is not PickleTuple { Count: 2 } kv) throw error("expects (key, value) pairs");
            dict.Set(kv[0], kv[1], "OrderedDict", 0);
        }
        return dict;
    }

    private static void RequireEmptyHooks(object? hooks, Func<string, Exception> error)
    {
        // Backward hooks would be code; torch.save of plain tensors writes an empty OrderedDict here.
        if (hooks is not PickleDict { Count: 0 }) throw error("backward hooks must be an empty OrderedDict");
    }

    private static long[] LongTuple(PickleTuple tuple, string what, Func<string, Exception> error) =>
        tuple.Items.Select(item => item as long? ?? throw error($"{what} must contain only ints, found {PickleDescribe.TypeName(item)}")).ToArray();
}
