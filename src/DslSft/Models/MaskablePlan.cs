using TorchSharp.Modules;

namespace DslSft.Models;

/// <summary>One maskable tensor in the plan: its slice [Offset, Offset + Size) of the flat maskable space.</summary>
public sealed record MaskableSlice(int Index, string Name, long[] Shape, long Offset, long Size, Parameter Tensor);

/// <summary>
/// The ordered list of maskable parameters that the sparse engine feeds to one multi-tensor kernel launch:
/// every maskable tensor gets a contiguous slice of one flat index space (row-major inside the tensor), in
/// parameter-table order. A flat maskable index <c>j</c> belongs to the slice whose range contains it.
/// </summary>
public sealed class MaskablePlan
{
    private MaskablePlan(IReadOnlyList<MaskableSlice> slices)
    {
        Slices = slices;
        TotalSize = slices.Count == 0 ? 0 : slices[^1].Offset + slices[^1].Size;
    }

    public IReadOnlyList<MaskableSlice> Slices { get; }

    /// <summary>Total number of maskable elements (the size of the flat maskable space).</summary>
    public long TotalSize { get; }

    /// <summary>Offsets of every slice followed by <see cref="TotalSize"/> (Count + 1 values), as kernels take them.</summary>
    public long[] Boundaries => Slices.Select(s => s.Offset).Append(TotalSize).ToArray();

    /// <summary>The slice holding flat maskable index <paramref name="flatIndex"/> and the row-major offset inside it.</summary>
    public (MaskableSlice Slice, long Local) Locate(long flatIndex)
    {
        if (flatIndex < 0 || flatIndex >= TotalSize) throw new ArgumentOutOfRangeException(nameof(flatIndex), $"{flatIndex} is outside [0, {TotalSize})");
        int lo = 0, hi = Slices.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (Slices[mid].Offset <= flatIndex) lo = mid; else hi = mid - 1;
        }
        return (Slices[lo], flatIndex - Slices[lo].Offset);
    }

    internal static MaskablePlan From(ParameterTable table)
    {
        var slices = new List<MaskableSlice>();
        long offset = 0;
        foreach (var entry in table.WithRole(ParameterRole.Maskable))
        {
            slices.Add(new MaskableSlice(slices.Count, entry.Name, entry.Shape, offset, entry.Size, entry.Tensor));
            offset += entry.Size;
        }
        return new MaskablePlan(slices);
    }
}
