using DslSft.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Sparse;

/// <summary>
/// Sampled dense-dense product (SDDMM): <c>output[k] += (A · Bᵀ)[indices[k]]</c>, only at the listed entries.
/// The LT-SFT sparse phase computes a Linear weight's gradient dW = dYᵀ · X this way at its K selected entries
/// (A = dYᵀ, B = Xᵀ), which costs K/(out·in) of the dense product.
/// </summary>
/// <remarks>
/// CPU tensors go to the native kernel (native/src/sparse_sddmm.cpp, OpenMP); anything else, or a build without
/// the native library, to <see cref="Reference"/>, the same product in TorchSharp.
/// </remarks>
public static unsafe class SampledProduct
{
    /// <summary>Entries per slice of the reference (its temporaries are two [slice, len] gathers).</summary>
    private const long ReferenceSlice = 1 << 12;

    /// <param name="a">[rows, len] float32, contiguous.</param>
    /// <param name="b">[cols, len] float32, contiguous.</param>
    /// <param name="indices">1-D int64 row-major flat indices into [rows, cols], strictly increasing.</param>
    /// <param name="output">1-D float32, one slot per index, contiguous; the products are added to it.</param>
    public static void Accumulate(Tensor a, Tensor b, Tensor indices, Tensor output)
    {
        Check(a, b, indices, output);
        if (indices.numel() == 0) return;
        if (a.device_type != DeviceType.CPU || !NativeLibraryInfo.IsAvailable)
        {
            Reference(a, b, indices, output);
            return;
        }
        var status = SparseNativeMethods.dslsft_sddmm(TensorMemory.Float32(a, "a"), TensorMemory.Float32(b, "b"), a.shape[0], b.shape[0],
            a.shape[1], TensorMemory.Int64(indices, "indices"), indices.numel(), TensorMemory.Float32(output, "output"));
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(indices);
        GC.KeepAlive(output);
        NativeException.ThrowIfFailed(status);
    }

    /// <summary>The same product in TorchSharp (any device): gather the rows each entry pairs, multiply, sum; slice by slice.</summary>
    public static void Reference(Tensor a, Tensor b, Tensor indices, Tensor output)
    {
        Check(a, b, indices, output);
        using var noGrad = torch.no_grad();
        var cols = b.shape[0];
        for (long start = 0, n = indices.numel(); start < n; start += ReferenceSlice)
        {
            using var scope = torch.NewDisposeScope();
            var length = Math.Min(ReferenceSlice, n - start);
            var slice = indices.narrow(0, start, length);
            var rows = a.index_select(0, slice.div(cols, rounding_mode: RoundingMode.floor));
            var columns = b.index_select(0, slice.remainder(cols));
            output.narrow(0, start, length).add_(rows.mul_(columns).sum(1));
        }
    }

    private static void Check(Tensor a, Tensor b, Tensor indices, Tensor output)
    {
        if (a.dim() != 2 || b.dim() != 2 || a.shape[1] != b.shape[1])
            throw new ArgumentException($"SDDMM needs A [rows, len] and B [cols, len], got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}]");
        if (a.dtype != ScalarType.Float32 || b.dtype != ScalarType.Float32 || output.dtype != ScalarType.Float32)
            throw new ArgumentException("SDDMM works on float32 operands and output");
        if (indices.dtype != ScalarType.Int64 || indices.dim() != 1)
            throw new ArgumentException($"SDDMM indices must be a 1-D int64 tensor, got {indices.dtype} [{string.Join(", ", indices.shape)}]");
        if (output.dim() != 1 || output.numel() != indices.numel())
            throw new ArgumentException($"SDDMM output must be 1-D with one slot per index ({indices.numel()}), got [{string.Join(", ", output.shape)}]");
    }
}
