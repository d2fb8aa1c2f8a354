using DslSft.Native;
using static TorchSharp.torch;

namespace DslSft.IO.Formats;

/// <summary>
/// Copies the raw little-endian bytes of contiguous CPU tensors to and from streams in chunks, without
/// staging a whole tensor in a managed array (so tensors over 2 GiB work too).
/// </summary>
internal static unsafe class TensorBytes
{
    private const int ChunkSize = 1 << 22;

    public static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new ArgumentException($"dtype {dtype} is not supported in safetensors files"),
    };

    public static long ByteLength(Tensor tensor) => tensor.numel() * ElementSize(tensor.dtype);

    /// <summary>A copy of a 1-D tensor's elements (any device, any layout) as a managed array, in one memory copy.</summary>
    public static T[] ToArray<T>(Tensor tensor) where T : unmanaged
    {
        using var cpu = tensor.detach().cpu().contiguous();
        var result = new T[cpu.numel()];
        if (result.Length == 0) return result;
        var source = (T*)TensorMemory.Address(cpu, cpu.dtype, "tensor");
        new ReadOnlySpan<T>(source, result.Length).CopyTo(result);
        GC.KeepAlive(cpu);
        return result;
    }

    /// <summary>Fills a freshly allocated contiguous tensor from <paramref name="source"/>; throws EndOfStreamException when short.</summary>
    public static void ReadInto(Tensor tensor, Stream source)
    {
        long length = ByteLength(tensor);
        if (length == 0) return;
        byte* basePtr = (byte*)TensorMemory.Address(tensor, tensor.dtype, "tensor");
        for (long done = 0; done < length;)
        {
            int n = (int)Math.Min(ChunkSize, length - done);
            source.ReadExactly(new Span<byte>(basePtr + done, n));
            done += n;
        }
        GC.KeepAlive(tensor);
    }

    /// <summary>Writes the tensor's bytes to <paramref name="target"/>.</summary>
    public static void WriteTo(Tensor tensor, Stream target)
    {
        long length = ByteLength(tensor);
        if (length == 0) return;
        byte* basePtr = (byte*)TensorMemory.Address(tensor, tensor.dtype, "tensor");
        for (long done = 0; done < length;)
        {
            int n = (int)Math.Min(ChunkSize, length - done);
            target.Write(new ReadOnlySpan<byte>(basePtr + done, n));
            done += n;
        }
        GC.KeepAlive(tensor);
    }

    /// <summary>The tensor's bytes as a sequence of chunks (one reused buffer: consume each chunk before the next).</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Chunks(Tensor tensor)
    {
        long length = ByteLength(tensor);
        if (length == 0) yield break;
        var buffer = new byte[Math.Min(ChunkSize, length)];
        for (long done = 0; done < length;)
        {
            int n = (int)Math.Min(buffer.Length, length - done);
            CopyOut(tensor, done, buffer.AsSpan(0, n));
            done += n;
            yield return buffer.AsMemory(0, n);
        }
    }

    private static void CopyOut(Tensor tensor, long byteOffset, Span<byte> destination)
    {
        byte* basePtr = (byte*)TensorMemory.Address(tensor, tensor.dtype, "tensor");
        new ReadOnlySpan<byte>(basePtr + byteOffset, destination.Length).CopyTo(destination);
        GC.KeepAlive(tensor);
    }
}
