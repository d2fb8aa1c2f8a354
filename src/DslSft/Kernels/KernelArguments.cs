using System.ComponentModel;
using DslSft.Native;
using static TorchSharp.torch;

namespace DslSft.Kernels;

/// <summary>
/// Argument checks shared by the generated kernel entry points: every message names the argument (and,
/// in tables, the tensor) so a bad call says exactly what is wrong before any native code runs.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class KernelArguments
{
    /// <summary>
    /// True when the call should go to the native library's <paramref name="entryPoint"/>. Under <see cref="KernelBackend.Auto"/>
    /// a rule whose entry point the loaded library lacks (a rule declared in another assembly, whose native code was not
    /// built into libdslsft_native) runs its generated C# loop, with a one-time note (<see cref="NativeKernelFallback"/>).
    /// </summary>
    public static bool UseNative(KernelBackend backend, string entryPoint) => backend switch
    {
        KernelBackend.Auto => NativeLibraryInfo.IsAvailable && NativeKernelFallback.HasEntryPoint(entryPoint, noteWhenMissing: true),
        KernelBackend.Native => !NativeLibraryInfo.IsAvailable
            ? throw new InvalidOperationException($"KernelBackend.Native was requested but {NativeLibraryInfo.LoadError}")
            : NativeKernelFallback.HasEntryPoint(entryPoint, noteWhenMissing: false)
                ? true
                : throw new InvalidOperationException($"KernelBackend.Native was requested but libdslsft_native has no '{entryPoint}': " +
                                                      "build the rule's native code into it (src/DslSft/Kernels/README.md, 'Rules in your own assembly')"),
        KernelBackend.Managed => false,
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "unknown kernel backend"),
    };

    /// <summary>Pointer to a float32 tensor that must have <paramref name="expected"/> elements (as <paramref name="like"/> does).</summary>
    public static float* Float32(Tensor tensor, string name, long expected, string like)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (tensor.numel() != expected)
            throw new ArgumentException($"{name}: expected {expected} elements (as {like}), got {tensor.numel()} (shape [{string.Join(", ", tensor.shape)}])", name);
        return TensorMemory.Float32(tensor, name);
    }

    /// <summary>Pointer to a 1-D int64 index tensor; returns its length through <paramref name="count"/>.</summary>
    public static long* Indices(Tensor indices, string name, out long count)
    {
        ArgumentNullException.ThrowIfNull(indices, name);
        if (indices.dim() != 1)
            throw new ArgumentException($"{name}: expected a 1-D int64 tensor of flat indices, got shape [{string.Join(", ", indices.shape)}]", name);
        var p = TensorMemory.Int64(indices, name);
        count = indices.numel();
        return p;
    }

    /// <summary>
    /// Pointers to the float32 tensors of one multi-tensor argument, in set order. Tensor t must have
    /// <see cref="SparseTensorSet.Sizes"/>[t] elements. The array is what the native table points at.
    /// </summary>
    public static nint[] Table(IReadOnlyList<Tensor> tensors, string name, SparseTensorSet set)
    {
        ArgumentNullException.ThrowIfNull(tensors, name);
        if (tensors.Count != set.Count)
            throw new ArgumentException($"{name}: expected {set.Count} tensors (one per tensor of the sparse set), got {tensors.Count}", name);
        var table = new nint[tensors.Count];
        for (int t = 0; t < table.Length; t++)
        {
            var what = $"{name}[{t}] ('{set.Names[t]}')";
            var tensor = tensors[t] ?? throw new ArgumentNullException(name, $"{what} is null");
            if (tensor.numel() != set.Sizes[t])
                throw new ArgumentException($"{what}: expected {set.Sizes[t]} elements, got {tensor.numel()} (shape [{string.Join(", ", tensor.shape)}])", name);
            table[t] = (nint)TensorMemory.Float32(tensor, what);
        }
        return table;
    }
}
