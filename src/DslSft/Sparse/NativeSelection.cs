using System.Runtime.InteropServices;
using DslSft.Native;
using static TorchSharp.torch;

namespace DslSft.Sparse;

/// <summary>
/// Shared plumbing of the multi-tensor selections: checks the managed inputs (dtype, device, matching sizes,
/// exclusion lists), builds the native descriptor array, runs the native call into one int64 buffer of k
/// entries, and hands back one sorted index list per tensor (views into that buffer).
/// </summary>
internal static unsafe class NativeSelection
{
    /// <summary>The native call: (descriptors, count, k, out indices, out counts) -> status.</summary>
    public delegate int Call(NativeSelectionTensor* tensors, int count, long k, long* outIndices, long* outCounts);

    public static Tensor[] Run(IReadOnlyList<TensorPair> tensors, long k, IReadOnlyList<Tensor?>? excluded, bool readsValues, Call call)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (excluded is not null && excluded.Count != tensors.Count)
            throw new ArgumentException($"excluded has {excluded.Count} entries but there are {tensors.Count} tensors", nameof(excluded));
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be >= 0");
        if (!NativeLibraryInfo.IsAvailable)
            throw new InvalidOperationException($"sparse selection needs libdslsft_native: {NativeLibraryInfo.LoadError}");

        var descriptors = new NativeSelectionTensor[tensors.Count];
        var names = new nint[tensors.Count];
        var output = empty(k, dtype: int64);
        var counts = new long[tensors.Count];
        try
        {
            for (int t = 0; t < tensors.Count; t++)
            {
                var pair = tensors[t] ?? throw new ArgumentNullException($"{nameof(tensors)}[{t}]");
                names[t] = Marshal.StringToCoTaskMemUTF8(pair.Name);
                descriptors[t] = Describe(pair, excluded?[t], readsValues, names[t]);
            }
            fixed (NativeSelectionTensor* d = descriptors)
            fixed (long* c = counts)
            {
                var status = call(d, descriptors.Length, k, TensorMemory.Int64(output, "output"), c);
                if (status != 0) ThrowFor(status);
            }
        }
        catch
        {
            output.Dispose();
            throw;
        }
        finally
        {
            foreach (var name in names) Marshal.FreeCoTaskMem(name);
            GC.KeepAlive(tensors);
            GC.KeepAlive(excluded);
        }

        var result = new Tensor[tensors.Count];
        long offset = 0;
        for (int t = 0; t < result.Length; t++)
        {
            result[t] = output.narrow(0, offset, counts[t]);
            offset += counts[t];
        }
        output.Dispose();  // the views keep the storage alive
        return result;
    }

    private static NativeSelectionTensor Describe(TensorPair pair, Tensor? excluded, bool readsValues, nint name)
    {
        var n = pair.Current.numel();
        var d = new NativeSelectionTensor { Name = name, N = n };
        if (readsValues)
        {
            d.Values = TensorMemory.Float32(pair.Current, pair.Name);
            if (pair.Initial is not null)
            {
                if (pair.Initial.numel() != n)
                    throw new ArgumentException(
                        $"{pair.Name}: initial values have shape [{string.Join(", ", pair.Initial.shape)}] but current values have shape [{string.Join(", ", pair.Current.shape)}]");
                d.Base = TensorMemory.Float32(pair.Initial, pair.Name + " (initial)");
            }
        }
        if (excluded is not null)
        {
            if (excluded.dim() != 1)
                throw new ArgumentException($"{pair.Name}: the excluded index list must be 1-D, got shape [{string.Join(", ", excluded.shape)}]");
            d.Excluded = TensorMemory.Int64(excluded, pair.Name + " (excluded)");
            d.ExcludedCount = excluded.numel();
        }
        return d;
    }

    /// <summary>Bad input reported by the native side (the message names the tensor) becomes an ArgumentException.</summary>
    internal static void ThrowFor(int status)
    {
        try
        {
            NativeException.ThrowIfFailed(status);
        }
        catch (NativeException e) when (e.Status is NativeStatus.InvalidArgument or NativeStatus.OutOfRange or NativeStatus.NotSorted)
        {
            throw new ArgumentException(e.Message, e);
        }
    }
}
