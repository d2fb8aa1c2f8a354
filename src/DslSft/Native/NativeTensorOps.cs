using static TorchSharp.torch;

namespace DslSft.Native;

/// <summary>
/// The simplest native writers into tensor memory. They exist to prove and test the interop path
/// (pointer + storage offset, validation, error propagation) that every kernel entry point uses.
/// </summary>
public static unsafe class NativeTensorOps
{
    /// <summary>Writes start, start+step, ... into <paramref name="tensor"/> in place through the native library.</summary>
    public static void Iota(Tensor tensor, float start, float step)
    {
        var p = TensorMemory.Float32(tensor, nameof(tensor));
        NativeException.ThrowIfFailed(NativeMethods.dslsft_iota_f32(p, tensor.numel(), start, step));
        GC.KeepAlive(tensor);
    }

    /// <summary>Fills <paramref name="tensor"/> with <paramref name="value"/> in place through the native library.</summary>
    public static void Fill(Tensor tensor, float value)
    {
        var p = TensorMemory.Float32(tensor, nameof(tensor));
        NativeException.ThrowIfFailed(NativeMethods.dslsft_fill_f32(p, tensor.numel(), value));
        GC.KeepAlive(tensor);
    }
}
