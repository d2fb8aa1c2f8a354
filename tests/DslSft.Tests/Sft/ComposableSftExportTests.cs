using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.IO.Formats.Torch;
using DslSft.Tests.Infrastructure;
using static TorchSharp.torch;

namespace DslSft.Tests.Sft;

/// <summary>Exporting pytorch_diff.bin: same pickle structure and storages as composable-sft writes, and a lossless round trip.</summary>
public class ComposableSftExportTests
{
    [SharedDataTheory]
    [InlineData("lang-mlm")]
    [InlineData("task-tokcls")]
    public void Export_then_import_gives_the_same_sft(string fixture)
    {
        var sft = ComposableSftFile.Import(SftFixtures.DiffFile(fixture));
        var dir = SftFixtures.TempDir();
        ComposableSftFile.Export(sft, dir); // a directory receives pytorch_diff.bin, like SFT.save(dir)
        var again = ComposableSftFile.Import(Path.Combine(dir, ComposableSftFile.FileName));
        SftFixtures.AssertSameTensors(sft, again);
        Assert.Equal(sft.Diffs.Keys, again.Diffs.Keys);
        Assert.Equal(sft.Abs.Keys, again.Abs.Keys);
    }

    [SharedDataTheory]
    [InlineData("lang-mlm")]
    [InlineData("task-tokcls")]
    public void Exported_pickle_has_the_original_structure_value_for_value(string fixture)
    {
        var path = Path.Combine(SftFixtures.TempDir(), ComposableSftFile.FileName);
        ComposableSftFile.Export(ComposableSftFile.Import(SftFixtures.DiffFile(fixture)), path);

        using var original = TorchArchiveReader.Open(SftFixtures.DiffFile(fixture));
        using var exported = TorchArchiveReader.Open(path);
        var o = (PickleDict)original.Root!;
        var e = (PickleDict)exported.Root!;
        Assert.Equal(o.Items.Select(kv => kv.Key), e.Items.Select(kv => kv.Key));

        o.TryGetValue("diffs", out var od);
        e.TryGetValue("diffs", out var ed);
        var originalDiffs = ((PickleDict)od!).Items.ToList();
        var exportedDiffs = ((PickleDict)ed!).Items.ToList();
        Assert.Equal(originalDiffs.Select(kv => kv.Key), exportedDiffs.Select(kv => kv.Key));
        for (int i = 0; i < originalDiffs.Count; i++)
        {
            var a = (PickleDict)originalDiffs[i].Value!;
            var b = (PickleDict)exportedDiffs[i].Value!;
            Assert.Equal(a.Items.Select(kv => kv.Key), b.Items.Select(kv => kv.Key));
            a.TryGetValue("size", out var sa); b.TryGetValue("size", out var sb);
            Assert.Equal(((TorchSize)sa!).Dims, ((TorchSize)sb!).Dims);
            a.TryGetValue("index_steps", out var stepsA); b.TryGetValue("index_steps", out var stepsB);
            var la = (List<object?>)stepsA!;
            var lb = (List<object?>)stepsB!;
            // Same steps, same Python types: a numpy.int64 first, plain ints after.
            Assert.Equal(la.Select(Describe), lb.Select(Describe));
            a.TryGetValue("values", out var va); b.TryGetValue("values", out var vb);
            using var ta = original.Materialize((TorchTensorRef)va!, "a");
            using var tb = exported.Materialize((TorchTensorRef)vb!, "b");
            Assert.True(SftFixtures.BitwiseEqual(ta, tb), $"values of {originalDiffs[i].Key}");
        }

        o.TryGetValue("abs", out var oa);
        e.TryGetValue("abs", out var ea);
        foreach (var ((nameA, refA), (nameB, refB)) in ((PickleDict)oa!).Items.Zip(((PickleDict)ea!).Items))
        {
            Assert.Equal(nameA, nameB);
            var ra = (TorchTensorRef)refA!;
            var rb = (TorchTensorRef)refB!;
            Assert.True(rb.IsParameter && rb.RequiresGrad);
            Assert.Equal((ra.IsParameter, ra.RequiresGrad), (rb.IsParameter, rb.RequiresGrad));
            Assert.Equal(ra.Size, rb.Size);
            Assert.Equal(ra.Stride, rb.Stride);
            Assert.True(SftFixtures.BitwiseEqual(original.Materialize(ra, "a"), exported.Materialize(rb, "b")));
        }
    }

    [SharedDataFact]
    public void Exported_archive_uses_torch_save_layout_with_64_byte_aligned_storages()
    {
        var path = Path.Combine(SftFixtures.TempDir(), ComposableSftFile.FileName);
        ComposableSftFile.Export(ComposableSftFile.Import(SftFixtures.DiffFile("task-tokcls")), path);
        var bytes = File.ReadAllBytes(path);
        using var zip = ZipFile.OpenRead(path);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        using var reference = ZipFile.OpenRead(SftFixtures.DiffFile("task-tokcls"));
        Assert.Equal(reference.Entries.Select(e => e.FullName), names); // data.pkl, data/<sorted keys>, version
        Assert.Equal("3\n", new StreamReader(zip.GetEntry("pytorch_diff/version")!.Open()).ReadToEnd());

        // Walk the local headers: every member is stored, and its data starts on a 64-byte boundary.
        int offset = 0, count = 0;
        while (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset)) == 0x04034b50)
        {
            Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 8))); // stored
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 18));
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 26));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 28));
            int data = offset + 30 + nameLength + extraLength;
            Assert.Equal(0, data % 64);
            offset = data + size;
            count++;
        }
        Assert.Equal(names.Count, count);
    }

    [Fact]
    public void Shapes_beyond_two_dims_and_scalars_round_trip()
    {
        var sft = new SparseFineTuning(
            new Dictionary<string, SparseDiff>
            {
                ["conv"] = SparseDiff.FromArrays([2, 3, 4, 5], [0, 17, 59, 60, 119], [1f, -2f, 3f, -4f, 5f]),
                ["scale"] = SparseDiff.FromArrays([], [0], [0.5f]),
                ["big_step"] = SparseDiff.FromArrays([70_000, 40_000], [3, 69_999L * 40_000 + 39_999], [1f, 2f]), // step > 2^31
            },
            new Dictionary<string, Tensor> { ["head"] = arange(24, dtype: float32).reshape(2, 3, 4), ["t"] = tensor(2.5f) });
        var path = Path.Combine(SftFixtures.TempDir(), "x.bin");
        ComposableSftFile.Export(sft, path);
        SftFixtures.AssertSameTensors(sft, ComposableSftFile.Import(path));
    }

    /// <summary>
    /// The real check that composable-sft can read our export: PyTorch itself loads it (torch.load, as SFT(path) does)
    /// and finds the same Python objects as in the original file. Skipped where python3 with torch is not installed.
    /// </summary>
    [PythonTorchFact]
    public void Python_torch_loads_the_export_identically_to_the_original()
    {
        var path = Path.Combine(SftFixtures.TempDir(), ComposableSftFile.FileName);
        ComposableSftFile.Export(ComposableSftFile.Import(SftFixtures.DiffFile("lang-mlm")), path);
        var script = """
            import sys, torch, numpy as np
            a = torch.load(sys.argv[1]); b = torch.load(sys.argv[2])
            assert list(a) == list(b) == ['diffs', 'abs'], (list(a), list(b))
            assert list(a['diffs']) == list(b['diffs'])
            for n in a['diffs']:
                x, y = a['diffs'][n], b['diffs'][n]
                assert list(x) == list(y) and type(y['size']) is torch.Size and x['size'] == y['size'], n
                assert [type(s) for s in x['index_steps']] == [type(s) for s in y['index_steps']], n
                assert [int(s) for s in x['index_steps']] == [int(s) for s in y['index_steps']], n
                assert y['values'].dtype == torch.float32 and torch.equal(x['values'], y['values']), n
            assert list(a['abs']) == list(b['abs'])
            for n in a['abs']:
                assert type(b['abs'][n]) is torch.nn.Parameter and b['abs'][n].requires_grad, n
                assert torch.equal(a['abs'][n], b['abs'][n]), n
            print('ok', len(b['diffs']), len(b['abs']))
            """;
        var output = PythonTorch.Run(script, SftFixtures.DiffFile("lang-mlm"), path);
        Assert.StartsWith("ok 27 3", output);
    }

    private static string Describe(object? step) => step switch
    {
        NumPyScalar s => $"numpy.{s.Descr}:{s.Value}",
        long l => $"int:{l}",
        _ => $"other:{step}",
    };
}

/// <summary>
/// A fact that needs Python with PyTorch and NumPy (Debian: apt-get install python3-torch) and ../shared; skipped with
/// the reason otherwise. Detection is a file check, not an import, so test discovery stays fast;
/// DSLSFT_PYTHON_TORCH names another interpreter that has torch.
/// </summary>
public sealed class PythonTorchFactAttribute : FactAttribute
{
    public PythonTorchFactAttribute()
    {
        if (SharedData.Directory is null) Skip = SharedData.MissingReason;
        else if (PythonTorch.Interpreter is null) Skip = "needs python3 with torch (Debian python3-torch) or DSLSFT_PYTHON_TORCH pointing at such an interpreter";
    }
}

/// <summary>Runs Python with PyTorch for cross-checks, when the machine has it.</summary>
internal static class PythonTorch
{
    public static string? Interpreter =>
        Environment.GetEnvironmentVariable("DSLSFT_PYTHON_TORCH") is { Length: > 0 } custom ? custom
        : File.Exists("/usr/lib/python3/dist-packages/torch/__init__.py") && File.Exists("/usr/bin/python3") ? "/usr/bin/python3"
        : null;

    public static string Run(string script, params string[] args)
    {
        var file = Path.Combine(SftFixtures.TempDir(), "check.py");
        File.WriteAllText(file, script);
        var start = new ProcessStartInfo(Interpreter ?? "python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(file);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) { process.Kill(); throw new TimeoutException("python3 did not finish"); }
        if (process.ExitCode != 0) throw new InvalidOperationException($"python3 failed ({process.ExitCode}): {stderr.Result}");
        return stdout.Result;
    }
}
