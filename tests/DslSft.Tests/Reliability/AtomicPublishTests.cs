using DslSft.IO;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Tests.Cli;
using DslSft.Tests.Data;

namespace DslSft.Tests.Reliability;

/// <summary>
/// Replacing an output with --overwrite: a child process killed at each instant of publishing leaves the output path
/// holding the old or the new output, complete, and the next run removes what the dead process left.
/// </summary>
public sealed class AtomicPublishTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Sft(string name, float value)
    {
        var path = _files.PathOf(name);
        SftFile.Save(new SparseFineTuning(new Dictionary<string, SparseDiff> { ["w"] = SparseDiff.FromArrays([4], [0, 2], [value, value + 1]) },
            new Dictionary<string, TorchSharp.torch.Tensor>()), path);
        return path;
    }

    private static float FirstValue(string output) => TensorBytesOf(SftFile.Load(Path.Combine(output, "sft.safetensors")).Diffs["w"].Values)[0];

    private static float[] TensorBytesOf(TorchSharp.torch.Tensor t) => t.data<float>().ToArray();

    [Theory]
    [InlineData("before-swap", 1f)] // the new output is complete but not in place yet: the old one must still be whole
    [InlineData("after-swap", 3f)]  // swapped, the old one not yet deleted: the new one must be whole
    public void A_process_killed_while_publishing_leaves_the_old_or_the_new_output_complete(string stage, float expected)
    {
        var output = _files.PathOf("out");
        var oldSft = Sft("old.safetensors", 1f);
        var newSft = Sft("new.safetensors", 3f);
        Assert.Equal(0, CliRunner.Run("merge", "--sft", oldSft, "-o", output).ExitCode);

        using (var child = CliProcess.Start(_files.Root, new Dictionary<string, string> { [PublishHold.Variable] = stage },
                   "merge", "--sft", newSft, "-o", output, "--overwrite"))
        {
            child.WaitUntil(() => child.Stderr.Contains($"held at {stage}"), $"the publish stage {stage}");
            child.Signal(CliProcess.SigKill);
            child.WaitForExit(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(expected, FirstValue(output));
        Assert.Equal(["sft.safetensors"], Directory.GetFiles(output).Select(Path.GetFileName));
        Assert.Contains(Directory.GetDirectories(_files.Root), d => Path.GetFileName(d).StartsWith(".out.tmp-", StringComparison.Ordinal));

        // The next run owns the same output: it removes the dead run's temporary and publishes normally.
        Assert.Equal(0, CliRunner.Run("merge", "--sft", oldSft, "-o", output, "--overwrite").ExitCode);
        Assert.Equal(1f, FirstValue(output));
        Assert.Equal(["new.safetensors", "old.safetensors", "out"], Directory.GetFileSystemEntries(_files.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_old_output_moved_aside_by_a_writer_that_died_is_put_back()
    {
        // Where the atomic swap is unsupported the old output is moved aside first; a death right then is repaired.
        var target = _files.PathOf("model");
        var aside = _files.PathOf($".model.old-{DeadPid()}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(aside);
        File.WriteAllText(Path.Combine(aside, "config.json"), "{}");
        var stranded = _files.PathOf($".model.tmp-{DeadPid()}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(stranded);

        Temporaries.RemoveStale(target);

        Assert.Equal("{}", File.ReadAllText(Path.Combine(target, "config.json")));
        Assert.Equal(["model"], Directory.GetFileSystemEntries(_files.Root).Select(Path.GetFileName));
    }

    [Fact]
    public void Temporaries_of_a_running_process_are_left_alone()
    {
        var target = _files.PathOf("sft");
        var live = _files.PathOf($".sft.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(live);
        Temporaries.RemoveStale(target);
        Assert.True(Directory.Exists(live));
    }

    /// <summary>The id of a process that has exited (a short-lived child's).</summary>
    private static int DeadPid()
    {
        using var process = System.Diagnostics.Process.Start("true")!;
        process.WaitForExit();
        return process.Id;
    }
}
