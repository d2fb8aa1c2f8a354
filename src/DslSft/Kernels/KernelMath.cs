namespace DslSft.Kernels;

/// <summary>
/// The few math functions whose .NET behaviour cannot be used as-is by a kernel, in the exact form the
/// generated C++/CUDA helpers (native/generated/dslsft_kernel_math.h) implement, so the C# reference and
/// the native kernels agree bit for bit on CPU. Generated C# calls these; rules keep writing MathF.Sign etc.
/// </summary>
public static class KernelMath
{
    // MathF.Sign throws ArithmeticException on NaN; a kernel must never throw mid-update, so NaN gives 0
    // (the update then still carries the NaN through whatever else reads the element).
    public static int Sign(float x) => (x > 0f ? 1 : 0) - (x < 0f ? 1 : 0);
    public static int Sign(double x) => (x > 0d ? 1 : 0) - (x < 0d ? 1 : 0);
    public static int Sign(int x) => (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0);
    public static int Sign(long x) => (x > 0L ? 1 : 0) - (x < 0L ? 1 : 0);

    // Math.Clamp throws when min > max; the kernels use max(min(x, hi), lo) instead (lo wins).
    public static float Clamp(float x, float lo, float hi) => MathF.Max(MathF.Min(x, hi), lo);
    public static double Clamp(double x, double lo, double hi) => Math.Max(Math.Min(x, hi), lo);
    public static int Clamp(int x, int lo, int hi) => Math.Max(Math.Min(x, hi), lo);
    public static long Clamp(long x, long lo, long hi) => Math.Max(Math.Min(x, hi), lo);
}
