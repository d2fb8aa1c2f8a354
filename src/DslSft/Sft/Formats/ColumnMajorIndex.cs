namespace DslSft.Sft.Formats;

/// <summary>
/// Converts flat indices between our row-major order (last dimension fastest, the memory order of a
/// contiguous tensor) and composable-sft's column-major linearisation (first dimension fastest:
/// <c>linear = i0 + i1·d0 + i2·d0·d1 + …</c>). All arithmetic is 64-bit.
/// </summary>
public static class ColumnMajorIndex
{
    /// <summary>Row-major flat index → column-major linear index for a tensor of <paramref name="shape"/>.</summary>
    public static long FromRowMajor(long rowMajor, long[] shape)
    {
        long remaining = rowMajor, linear = 0, multiplier = 1;
        Span<long> coords = shape.Length <= 16 ? stackalloc long[shape.Length] : new long[shape.Length];
        for (int k = shape.Length - 1; k >= 0; k--)
        {
            coords[k] = remaining % shape[k];
            remaining /= shape[k];
        }
        for (int k = 0; k < shape.Length; k++)
        {
            linear += coords[k] * multiplier;
            multiplier *= shape[k];
        }
        return linear;
    }

    /// <summary>Column-major linear index → row-major flat index for a tensor of <paramref name="shape"/>.</summary>
    public static long ToRowMajor(long linear, long[] shape)
    {
        long remaining = linear, rowMajor = 0, multiplier = 1;
        Span<long> coords = shape.Length <= 16 ? stackalloc long[shape.Length] : new long[shape.Length];
        for (int k = 0; k < shape.Length; k++)
        {
            coords[k] = remaining % shape[k];
            remaining /= shape[k];
        }
        for (int k = shape.Length - 1; k >= 0; k--)
        {
            rowMajor += coords[k] * multiplier;
            multiplier *= shape[k];
        }
        return rowMajor;
    }
}
