using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Native;

/// <summary>
/// Raw access to a TorchSharp tensor's memory for native calls. TorchSharp 0.107 has no data_ptr(), so
/// the address is the storage's base pointer plus the tensor's storage offset (in elements).
/// Every accessor refuses tensors whose memory is not a plain CPU buffer of the expected dtype.
/// Callers must keep the tensor alive across the native call (GC.KeepAlive).
/// </summary>
public static unsafe class TensorMemory
{
    /// <summary>Pointer to the first element of a contiguous CPU float32 tensor.</summary>
    public static float* Float32(Tensor tensor, string name = "tensor") => (float*)Address(tensor, ScalarType.Float32, name);

    /// <summary>Pointer to the first element of a contiguous CPU int64 tensor.</summary>
    public static long* Int64(Tensor tensor, string name = "tensor") => (long*)Address(tensor, ScalarType.Int64, name);

    /// <summary>Pointer to the first element of a contiguous CPU int32 tensor.</summary>
    public static int* Int32(Tensor tensor, string name = "tensor") => (int*)Address(tensor, ScalarType.Int32, name);

    /// <summary>Checks dtype, device and contiguity and returns the address of the tensor's first element.</summary>
    public static nint Address(Tensor tensor, ScalarType dtype, string name = "tensor")
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        Require(tensor, dtype, name);
        if (tensor.numel() == 0) return 0;
        // TorchSharp's storage<T>() has no Half, BFloat16, short, sbyte or bool case (it converts such tensors to a copy).
        if (dtype is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool or ScalarType.Float64)
            return FirstElement(tensor);
        nint basePtr = dtype switch
        {
            ScalarType.Float32 => (nint)tensor.storage<float>().data_ptr(),
            ScalarType.Int64 => (nint)tensor.storage<long>().data_ptr(),
            ScalarType.Int32 => (nint)tensor.storage<int>().data_ptr(),
            _ => throw new ArgumentException($"{name}: dtype {dtype} is not supported by native kernels", name),
        };
        return basePtr + (nint)(tensor.storage_offset() * ElementSize(dtype));
    }

    /// <summary>
    /// The address of a contiguous CPU tensor's first element from <c>Tensor.bytes</c> (a span over the tensor's own
    /// memory, starting at its first element), taken from a one-element view so tensors over 2 GiB work too.
    /// </summary>
    private static nint FirstElement(Tensor tensor)
    {
        using var flat = tensor.reshape(-1);
        using var first = flat.narrow(0, 0, 1);
        return (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(first.bytes));
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the tensor unless it is a contiguous CPU tensor of <paramref name="dtype"/>.</summary>
    public static void Require(Tensor tensor, ScalarType dtype, string name)
    {
        if (tensor.dtype != dtype)
            throw new ArgumentException($"{name}: expected dtype {dtype}, got {tensor.dtype}", name);
        if (tensor.device_type != DeviceType.CPU)
            throw new ArgumentException($"{name}: expected a CPU tensor, got device {tensor.device}", name);
        if (!tensor.is_contiguous())
            throw new ArgumentException($"{name}: expected a contiguous tensor (shape [{string.Join(", ", tensor.shape)}], strides [{string.Join(", ", tensor.stride())}]); call .contiguous() first", name);
    }

    private static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Int64 => 8,
        ScalarType.Float16 => 2,
        ScalarType.Int8 or ScalarType.Byte => 1,
        _ => throw new ArgumentException($"unsupported dtype {dtype}"),
    };
}
