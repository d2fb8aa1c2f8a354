namespace DslSft.Kernels;

/// <summary>Which implementation a generated kernel entry point runs.</summary>
public enum KernelBackend
{
    /// <summary>The native OpenMP kernel when libdslsft_native is loaded (<see cref="Native.NativeLibraryInfo.IsAvailable"/>), else the C# loop.</summary>
    Auto = 0,
    /// <summary>The native OpenMP kernel; throws <see cref="InvalidOperationException"/> when the library is unavailable.</summary>
    Native = 1,
    /// <summary>The generated C# loop (the reference implementation, single-threaded).</summary>
    Managed = 2,
}
