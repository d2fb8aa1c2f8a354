// GGML-style symmetric block quantisation (Q8_0 and Q4_0), as used for the values of compact SFT files.
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Sft.Formats;

/// <summary>
/// Symmetric block quantisation as in llama.cpp/GGML: consecutive values in blocks of <see cref="BlockSize"/>, one
/// fp16 scale per block and one signed code per value in [−<see cref="MaxCode"/>, <see cref="MaxCode"/>], decoded as
/// <c>code · scale</c>. The last block may be shorter (no padding is stored).
/// <list type="bullet">
/// <item><see cref="Q8_0"/>: 8-bit codes in [−127, 127], stored as I8, one per value.</item>
/// <item><see cref="Q4_0"/>: 4-bit codes in [−7, 7], stored as U8 nibbles (code + 8), two per byte: entry 2j in the
/// low nibble of byte j, entry 2j + 1 in its high nibble; with an odd count the last high nibble is unused and 0.</item>
/// </list>
/// </summary>
/// <remarks>
/// One deliberate difference from GGML: the scale is <c>absmax / MaxCode</c> rounded <em>up</em> to fp16, and the codes
/// are rounded against that stored scale. Every |value / scale| is then at most MaxCode, so no code is clipped and
/// every decoded value is within half the stored scale of the original: |v − v'| ≤ s/2 exactly. GGML rounds the
/// scale to nearest and quantises with the unrounded one, which adds up to MaxCode times the scale's rounding error.
/// Rounding up also keeps tiny blocks (absmax/MaxCode below fp16's smallest subnormal, 2^-24) from getting scale 0.
/// Exact zeros decode to exactly zero (−0 becomes +0), and an all-zero block has scale 0. GGML's Q4_0 uses the
/// asymmetric range [−8, 7]; the symmetric one keeps zero exact and the error bound the same on both sides.
/// </remarks>
internal sealed unsafe class BlockQuantization
{
    public const int BlockSize = 32;

    public static readonly BlockQuantization Q8_0 = new("Q8_0", maxCode: 127, codeBits: 8);
    public static readonly BlockQuantization Q4_0 = new("Q4_0", maxCode: 7, codeBits: 4);

    private BlockQuantization(string name, int maxCode, int codeBits)
    {
        Name = name;
        MaxCode = maxCode;
        CodeBits = codeBits;
    }

    public string Name { get; }
    public int MaxCode { get; }
    public int CodeBits { get; }
    /// <summary>The dtype of the stored code tensor: I8 codes for 8 bits, U8 nibble pairs for 4.</summary>
    public ScalarType CodeType => CodeBits == 8 ? ScalarType.Int8 : ScalarType.Byte;

    /// <summary>Number of blocks (and scales) for <paramref name="count"/> values.</summary>
    public static long BlockCount(long count) => (count + BlockSize - 1) / BlockSize;

    /// <summary>Length of the stored code tensor for <paramref name="count"/> values.</summary>
    public long CodeLength(long count) => CodeBits == 8 ? count : (count + 1) / 2;

    /// <summary>
    /// Quantises a 1-D float32 tensor into codes (<see cref="CodeType"/>, <see cref="CodeLength"/> long) and fp16
    /// scales (one per block). Returns false, and no tensors, when a value is NaN or infinite or a block's scale would
    /// overflow fp16 (|v| above MaxCode · 65504); such values must be stored as float32.
    /// </summary>
    public bool TryEncode(Tensor values, out Tensor codes, out Tensor scales)
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

        var codeTensor = torch.zeros(CodeLength(count), CodeType);
        byte* q = count == 0 ? null : (byte*)TensorMemory(codeTensor);
        for (long b = 0; b < blockScales.Length; b++)
        {
            double scale = (double)blockScales[b];
            long start = b * BlockSize, end = Math.Min(start + BlockSize, count);
            for (long i = start; i < end; i++)
            {
                int code = scale == 0 ? 0 : (int)Math.Clamp(Math.Round(v[i] / scale, MidpointRounding.AwayFromZero), -MaxCode, MaxCode);
                if (CodeBits == 8) q[i] = (byte)(sbyte)code;
                else q[i / 2] |= (byte)((code + 8) << (int)(4 * (i & 1)));
            }
        }
        GC.KeepAlive(source);
        GC.KeepAlive(codeTensor);
        codes = codeTensor;
        scales = torch.tensor(blockScales, ScalarType.Float16);
        return true;
    }

    /// <summary>The stored scale of a block whose largest magnitude is <paramref name="absMax"/>: absMax/MaxCode rounded up to fp16.</summary>
    public Half ScaleFor(float absMax)
    {
        if (absMax == 0) return Half.Zero;
        double exact = absMax / (double)MaxCode; // in double: in float32 a tiny absMax would underflow to a zero scale
        var scale = (Half)exact; // round to nearest
        return (double)scale < exact ? Half.BitIncrement(scale) : scale;
    }

    /// <summary>
    /// Decodes <paramref name="count"/> values from codes and scales into a float32 tensor after checking them: codes
    /// 1-D of <see cref="CodeType"/> and <see cref="CodeLength"/>, scales 1-D fp16 with one per block, every scale
    /// finite and non-negative, every code within [−MaxCode, MaxCode], no non-zero code in a block of scale 0, and
    /// (4-bit) an unused last nibble that is 0.
    /// </summary>
    public Tensor Decode(Tensor codes, Tensor scales, long count, string name, string path)
    {
        InvalidInputException Bad(string message) => new($"diff tensor '{name}': {message}", path);
        if (codes.dtype != CodeType || codes.dim() != 1) throw Bad($"{Name} codes must be 1-D {CodeType}, got {codes.dtype} [{string.Join(", ", codes.shape)}]");
        if (scales.dtype != ScalarType.Float16 || scales.dim() != 1) throw Bad($"{Name} scales must be 1-D fp16, got {scales.dtype} [{string.Join(", ", scales.shape)}]");
        if (codes.shape[0] != CodeLength(count)) throw Bad($"{count} indices need {CodeLength(count)} {Name} code elements, the file has {codes.shape[0]}");
        if (scales.shape[0] != BlockCount(count))
            throw Bad($"{count} {Name} codes need {BlockCount(count)} block scales (blocks of {BlockSize}), the file has {scales.shape[0]}");

        var result = torch.empty(count, ScalarType.Float32);
        if (count == 0) return result;
        var q = (byte*)TensorMemory(codes);
        var s = (Half*)TensorMemory(scales);
        var v = (float*)TensorMemory(result);
        try
        {
            if (CodeBits == 4 && count % 2 == 1 && q[count / 2] >> 4 != 0)
                throw Bad($"{Name} code byte {count / 2} has a non-zero unused high nibble");
            for (long b = 0; b < scales.shape[0]; b++)
            {
                var scale = s[b];
                if (!Half.IsFinite(scale) || scale < Half.Zero)
                    throw Bad($"{Name} block {b} has scale {((float)scale).ToString(CultureInfo.InvariantCulture)}; scales must be finite and non-negative");
                float factor = (float)scale;
                long start = b * BlockSize, end = Math.Min(start + BlockSize, count);
                for (long i = start; i < end; i++)
                {
                    int code = CodeBits == 8 ? (sbyte)q[i] : ((q[i / 2] >> (int)(4 * (i & 1))) & 0xF) - 8;
                    if (code < -MaxCode) throw Bad($"{Name} code {code} at entry {i} is outside the range [-{MaxCode}, {MaxCode}]");
                    if (factor == 0 && code != 0) throw Bad($"{Name} block {b} has scale 0 but a non-zero code at entry {i}");
                    v[i] = code * factor; // exact: a ≤ 7-bit code times an 11-bit scale fits float32's 24 bits
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
