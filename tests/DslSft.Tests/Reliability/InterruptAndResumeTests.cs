using DslSft.Tests.Data;
using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Reliability;

/// <summary>
/// Ctrl-C on a real training process: the first SIGINT stops at the next update with a checkpoint beside the output
/// and exit code 130; --resume then finishes with exactly the SFT an uninterrupted run writes; a second SIGINT ends the
/// process at once, and a later run cleans up after it. The children train for real, so the class runs alone
/// (<see cref="TrainingProcesses"/>) rather than competing for the cores with the rest of the suite.
/// </summary>
[Collection(TrainingProcesses.Name)]
public sealed class InterruptAndResumeTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>train-task pos on tiny-bert: long enough (40 updates) to be interrupted early, short enough to finish in seconds.</summary>
    private string[] Training(string output, params string[] extra)
    {
        var sentences = File.ReadAllText(SharedData.Ud("en_ewt-ud-dev.conllu")).Split("\n\n").Take(24);
        var train = _files.PathOf("train.conllu");
        if (!File.Exists(train)) File.WriteAllText(train, string.Join("\n\n", sentences) + "\n\n");
        return ["train-task", "-t", "pos", "-m", SharedData.Fixture("tiny-bert"), "--train", train, "--num-params", "1000",
            "--full-steps", "20", "--sparse-steps", "20", "--max-length", "40", "--batch-size", "4", "-o", output, .. extra];
    }

    private static void WaitForTraining(CliProcess child, string output)
    {
        var log = Path.Combine(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.resume", "train_log.jsonl");
        child.WaitUntil(() => File.Exists(log) && new FileInfo(log).Length > 0, "the first training update");
    }

    [Fact]
    public void A_first_interrupt_checkpoints_and_resume_equals_an_uninterrupted_run_bit_for_bit()
    {
        var output = _files.PathOf("task-pos");
        using (var child = CliProcess.Start(_files.Root, null, Training(output)))
        {
            WaitForTraining(child, output);
            child.Signal(CliProcess.SigInt);
            Assert.Equal(130, child.WaitForExit(TimeSpan.FromMinutes(2)));
            Assert.Contains("interrupted: the checkpoint is in", child.Stderr);
        }
        var work = _files.PathOf(".task-pos.resume");
        Assert.True(File.Exists(Path.Combine(work, "checkpoint", "state.json")));
        Assert.False(Directory.Exists(output));

        // Without --resume the checkpoint is not thrown away silently.
        var (refused, message) = CliProcess.Run(_files.Root, Training(output));
        Assert.Equal(2, refused);
        Assert.Contains("--resume", message);

        // Nor is it resumed by a different run.
        var (otherRun, otherLog) = CliProcess.Run(_files.Root, Training(output, "--resume", "--lr", "1e-4"));
        Assert.Equal(2, otherRun);
        Assert.Contains("other arguments (learning_rate", otherLog);

        // A record from an earlier dslsft that lacked an argument: named as not recorded, not as an empty value.
        var record = Path.Combine(work, "run.json");
        var original = File.ReadAllText(record);
        var older = System.Text.Json.Nodes.JsonNode.Parse(original)!.AsObject();
        Assert.True(older.Remove("optimizer"), original);
        File.WriteAllText(record, older.ToJsonString());
        var (olderRun, olderLog) = CliProcess.Run(_files.Root, Training(output, "--resume"));
        Assert.Equal(2, olderRun);
        Assert.Contains("optimizer: not recorded then, 'adamw' now", olderLog);
        Assert.Contains("written by an earlier dslsft", olderLog);
        File.WriteAllText(record, original);

        var (resumed, resumeLog) = CliProcess.Run(_files.Root, Training(output, "--resume"));
        Assert.True(resumed == 0, resumeLog);
        Assert.False(Directory.Exists(work));

        var reference = _files.PathOf("reference");
        Assert.Equal(0, CliProcess.Run(_files.Root, Training(reference)).Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "sft.safetensors")), File.ReadAllBytes(Path.Combine(output, "sft.safetensors")));
        Assert.Equal(File.ReadAllText(Path.Combine(reference, "train_log.jsonl")), File.ReadAllText(Path.Combine(output, "train_log.jsonl")));
        Assert.Equal(["loss.png", "sft.safetensors", "train_log.jsonl"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(_files.Root), e => Path.GetFileName(e).StartsWith('.'));
    }

    [Fact]
    public void A_second_interrupt_exits_at_once_and_the_next_run_cleans_up()
    {
        var output = _files.PathOf("task-pos");
        using (var child = CliProcess.Start(_files.Root, null, Training(output)))
        {
            WaitForTraining(child, output);
            child.Signal(CliProcess.SigInt);
            child.WaitUntil(() => child.Stderr.Contains("press Ctrl-C again"), "the first interrupt's message");
            child.Signal(CliProcess.SigInt);
            Assert.Equal(130, child.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.DoesNotContain("interrupted: the checkpoint", child.Stderr); // it did not wait for the next update
        }
        Assert.False(Directory.Exists(output));

        // Killed before its first checkpoint: there is nothing to resume, and starting afresh replaces what it left.
        var (resumed, resumeLog) = CliProcess.Run(_files.Root, Training(output, "--resume"));
        Assert.Equal(2, resumed);
        Assert.Contains("nothing to resume", resumeLog);
        Assert.Equal(0, CliProcess.Run(_files.Root, Training(output, "--overwrite")).Code);
        Assert.True(File.Exists(Path.Combine(output, "sft.safetensors")));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(_files.Root), e => Path.GetFileName(e).StartsWith('.'));
    }
}

/// <summary>Tests that run real training processes: not in parallel with other tests, whose load would only slow them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingProcesses
{
    public const string Name = "training processes";
}
