using DslSft.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Tests.Native;

/// <summary>Native code writing into TorchSharp tensor memory: the interop path every kernel uses.</summary>
public class TensorInteropTests
{
    [Fact]
    public void Native_library_loads_and_reports_its_build()
    {
        Assert.True(NativeLibraryInfo.IsAvailable, NativeLibraryInfo.LoadError);
        var info = NativeLibraryInfo.Current!;
        Assert.Equal(NativeLibraryInfo.ExpectedAbiVersion, info.AbiVersion);
        Assert.True(info.OpenMp);
        Assert.True(info.Threads >= 1);
        Assert.Matches(@"^\d+\.\d+\.\d+", info.Version);
    }

    [Fact]
    public void Writes_into_a_contiguous_tensor_in_place()
    {
        using var t = zeros(3, 4);
        NativeTensorOps.Iota(t, 10f, 0.5f);
        var expected = arange(12, dtype: float32).mul(0.5f).add(10f).reshape(3, 4);
        Assert.True(t.equal(expected).all().item<bool>());
    }

    [Fact]
    public void Writes_into_a_narrowed_view_at_its_storage_offset_only()
    {
        using var whole = full(20, -1f);
        using var view = whole.narrow(0, 5, 6); // storage offset 5, contiguous
        Assert.Equal(5, view.storage_offset());
        NativeTensorOps.Fill(view, 7f);
        var values = whole.data<float>().ToArray();
        for (int i = 0; i < 20; i++)
            Assert.Equal(i is >= 5 and < 11 ? 7f : -1f, values[i]);
    }

    [Fact]
    public void Writes_into_a_row_of_a_matrix()
    {
        using var m = zeros(4, 5);
        using var row = m[2]; // storage offset 10
        NativeTensorOps.Iota(row, 1f, 1f);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5 }, m[2].data<float>().ToArray());
        Assert.Equal(15f, m.sum().item<float>());
    }

    [Fact]
    public void Refuses_a_non_contiguous_tensor()
    {
        using var m = zeros(4, 5);
        using var transposed = m.t();
        var e = Assert.Throws<ArgumentException>(() => NativeTensorOps.Fill(transposed, 1f));
        Assert.Contains("contiguous", e.Message);
        Assert.Equal(0f, m.sum().item<float>());
    }

    [Fact]
    public void Refuses_the_wrong_dtype()
    {
        using var d = zeros(4, dtype: float64);
        var e = Assert.Throws<ArgumentException>(() => NativeTensorOps.Fill(d, 1f));
        Assert.Contains("Float32", e.Message);
        Assert.Contains("Float64", e.Message);
    }

    [Fact]
    public void Refuses_a_non_cpu_tensor()
    {
        // No GPU here; the meta device is a real non-CPU device with no memory behind it.
        using var meta = empty(4, device: new Device(DeviceType.META));
        var e = Assert.Throws<ArgumentException>(() => NativeTensorOps.Fill(meta, 1f));
        Assert.Contains("CPU", e.Message);
    }

    [Fact]
    public void Empty_tensors_are_fine()
    {
        using var t = zeros(0);
        NativeTensorOps.Fill(t, 1f);
        Assert.Equal(0, t.numel());
    }

    [Fact]
    public void Native_errors_become_exceptions_with_the_native_message()
    {
        var e = Assert.Throws<NativeException>(() => NativeException.ThrowIfFailed(CallFillWithNegativeLength()));
        Assert.Equal(NativeStatus.InvalidArgument, e.Status);
        Assert.Contains("dslsft_fill_f32", e.Message);
        Assert.Contains(">= 0", e.Message);
    }

    private static unsafe int CallFillWithNegativeLength()
    {
        float x = 0;
        return NativeMethods.dslsft_fill_f32(&x, -3, 1f);
    }
}
