using System.Runtime.InteropServices;

namespace DslSft.Native;

/// <summary>Status codes of the native C ABI (mirror of the enum in native/include/dslsft.h).</summary>
public enum NativeStatus
{
    Ok = 0,
    InvalidArgument = 1,
    OutOfRange = 2,
    NotSorted = 3,
    OutOfMemory = 4,
    Cuda = 5,
    Internal = 6,
}

/// <summary>A native call reported a failure; the message is the one the native side recorded.</summary>
public sealed class NativeException(NativeStatus status, string message) : Exception(message)
{
    public NativeStatus Status { get; } = status;

    /// <summary>Throws when <paramref name="status"/> is not OK, with the thread's native error message.</summary>
    public static void ThrowIfFailed(int status)
    {
        if (status == 0) return;
        var message = Marshal.PtrToStringUTF8(NativeMethods.dslsft_last_error()) ?? "";
        var code = (NativeStatus)status;
        throw code switch
        {
            NativeStatus.OutOfRange => new NativeException(code, message),
            _ => new NativeException(code, message.Length > 0 ? message : $"native call failed with status {code}"),
        };
    }
}
