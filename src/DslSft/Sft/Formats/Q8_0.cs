// GGML's Q8_0 block quantisation, as used for the values of compact SFT files.
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Sft.Formats;

/// <summary>
/// Q8_0 as in llama.cpp/GGML: consecutive values in blocks of <see cref="BlockSize"/>, one fp16 scale per block and
/// one int8 code per value, decoded as <c>code · scale</c>. The last block may be shorter (no padding is stored).
/// </summary>
/// <remarks>
/// One deliberate difference from GGML: the scale is <c>absmax / 127</c> rounded <em>up</em> to fp16, and the codes
/// are rounded against that stored scale. Every |value / scale| is then at most 127, so no code is clipped and
/// every decoded value is within half the stored scale of the original: |v − v'| ≤ s/2 exactly. GGML rounds the
/// scale to nearest and quantises with the unrounded one, which adds up to 127 times the scale's rounding error.
/// Rounding up also keeps tiny blocks (absmax/127 below fp16's smallest subnormal, 2^-24) from getting scale 0.
/// Exact zeros decode to exactly zero (−0 becomes +0), and an all-zero block has scale 0.
/// </remarks>
internal static unsafe class Q8_0
{
    public const int BlockSize = 32;

    /// <summary>Number of blocks (and scales) for <paramref name="count"/> values.</summary>
    public static long BlockCount(long count) => (count + BlockSize - 1) / BlockSize;

    /// <summary>
    /// Quantises a 1-D float32 tensor into int8 codes (same length) and fp16 scales (one per block). Returns false,
    /// and no tensors, when a value is NaN or infinite or a block's scale would overflow fp16 (|v| above 127 · 65504);
    /// such values must be stored as float32.
    /// </summary>
    public static bool TryEncode(Tensor values, out Tensor codes, out Tensor scales)
    {
        codes = scales = null!;
        using var source = values.detach().cpu().contiguous();
        long count = source.numel();
        var blockScales = new Half[BlockCount(count)];
        float* v = count == 0 ? null : (float*)TensorMemory(source);
        for (long b = 0; b < blockScales.Length; b++)
        {
            long start = b * BlockSize, end = Math.Min(start + BlockSize, count);
            float absMax = 0;
            for (long i = start; i < end; i++)
            {
                if (!float.IsFinite(v[i])) return false;
                absMax = Math.Max(absMax, Math.Abs(v[i]));
            }
            var scale = ScaleFor(absMax);
            if (!Half.IsFinite(scale)) return false;
            blockScales[b] = scale;
        }

        var codeTensor = torch.empty(count, ScalarType.Int8);
        sbyte* q = count == 0 ? null : (sbyte*)TensorMemory(codeTensor);
        for (long b = 0; b < blockScales.Length; b++)
        {
            double scale = (double)blockScales[b];
            long start = b * BlockSize, end = Math.Min(start + BlockSize, count);
            for (long i = start; i < end; i++)
                q[i] = scale == 0 ? (sbyte)0 : (sbyte)Math.Clamp(Math.Round(v[i] / scale, MidpointRounding.AwayFromZero), -127, 127);
        }
        GC.KeepAlive(source);
        GC.KeepAlive(codeTensor);
        codes = codeTensor;
        scales = torch.tensor(blockScales, ScalarType.Float16);
        return true;
    }

    /// <summary>The stored scale of a block whose largest magnitude is <paramref name="absMax"/>: absMax/127 rounded up to fp16.</summary>
    public static Half ScaleFor(float absMax)
    {
        if (absMax == 0) return Half.Zero;
        double exact = absMax / 127.0; // in double: in float32 a tiny absMax would underflow to a zero scale
        var scale = (Half)exact; // round to nearest
        return (double)scale < exact ? Half.BitIncrement(scale) : scale;
    }

    /// <summary>
    /// Decodes codes and scales into a float32 tensor after checking them: <paramref name="codes"/> 1-D int8,
    /// <paramref name="scales"/> 1-D fp16 with one scale per block, every scale finite and non-negative, no code
    /// −128 (outside Q8_0's symmetric range), and no non-zero code in a block of scale 0.
    /// </summary>
    public static Tensor Decode(Tensor codes, Tensor scales, string name, string path)
    {
        InvalidInputException Bad(string message) => new($"diff tensor '{name}': {message}", path);
        if (codes.dtype != ScalarType.Int8 || codes.dim() != 1) throw Bad($"Q8_0 codes must be 1-D int8, got {codes.dtype} [{string.Join(", ", codes.shape)}]");
        if (scales.dtype != ScalarType.Float16 || scales.dim() != 1) throw Bad($"Q8_0 scales must be 1-D fp16, got {scales.dtype} [{string.Join(", ", scales.shape)}]");
        long count = codes.shape[0];
        if (scales.shape[0] != BlockCount(count))
            throw Bad($"{count} Q8_0 codes need {BlockCount(count)} block scales (blocks of {BlockSize}), the file has {scales.shape[0]}");

        var result = torch.empty(count, ScalarType.Float32);
        if (count == 0) return result;
        var q = (sbyte*)TensorMemory(codes);
        var s = (Half*)TensorMemory(scales);
        var v = (float*)TensorMemory(result);
        try
        {
            for (long b = 0; b < scales.shape[0]; b++)
            {
                var scale = s[b];
                if (!Half.IsFinite(scale) || scale < Half.Zero)
                    throw Bad($"Q8_0 block {b} has scale {((float)scale).ToString(CultureInfo.InvariantCulture)}; scales must be finite and non-negative");
                float factor = (float)scale;
                long start = b * BlockSize, end = Math.Min(start + BlockSize, count);
                for (long i = start; i < end; i++)
                {
                    if (q[i] == sbyte.MinValue) throw Bad($"Q8_0 code -128 at entry {i} is outside the range [-127, 127]");
                    if (factor == 0 && q[i] != 0) throw Bad($"Q8_0 block {b} has scale 0 but a non-zero code at entry {i}");
                    v[i] = q[i] * factor; // exact: a 7-bit code times an 11-bit scale fits float32's 24 bits
                }
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        GC.KeepAlive(codes);
        GC.KeepAlive(scales);
        GC.KeepAlive(result);
        return result;
    }

    private static void* TensorMemory(Tensor tensor) => (void*)Native.TensorMemory.Address(tensor, tensor.dtype);
}
