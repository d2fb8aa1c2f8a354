using System.Text.Json;
using DslSft.IO;

namespace DslSft.Cli.Wiring;

/// <summary>
/// Where a training command works: <c>.NAME.resume/</c> beside its output NAME. The trainer writes its log, loss plot and
/// checkpoints there; a finished run turns it into the output in one atomic swap, while an interrupted (or killed) run
/// leaves it, with its last checkpoint, for <c>--resume</c>. A lock file inside keeps two runs from sharing it, and
/// <see cref="ArgumentsFile"/> records what the run was started with, so that resuming a different run is refused.
/// </summary>
public sealed class TrainingWorkDirectory : IDisposable
{
    private const string LockFile = ".lock";
    public const string ArgumentsFile = "run.json";
    private const string CheckpointDirectory = "checkpoint";
    private FileStream? _lock;

    private TrainingWorkDirectory(string path, FileStream lockStream)
    {
        Path = path;
        _lock = lockStream;
    }

    /// <summary>The work directory (the trainer's output directory).</summary>
    public string Path { get; }

    /// <summary>The work directory of <paramref name="output"/>.</summary>
    public static string PathFor(string output)
    {
        var full = OutputDirectory.Full(output);
        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, $".{System.IO.Path.GetFileName(full)}.resume");
    }

    /// <summary>
    /// Claims the work directory of <paramref name="output"/>. Without <paramref name="resume"/> it starts empty, and a
    /// checkpoint an interrupted run left there is discarded only with <paramref name="overwrite"/>; with it, the
    /// checkpoint must exist and have been written by a run with the same <paramref name="arguments"/>.
    /// </summary>
    public static TrainingWorkDirectory Open(string output, bool resume, bool overwrite, IReadOnlyDictionary<string, string> arguments)
    {
        var path = PathFor(output);
        Temporaries.Prepare(OutputDirectory.Full(output)); // the parent is made only now that the run starts
        CheckState(output, resume, overwrite);
        Directory.CreateDirectory(path);
        var lockStream = Lock(path);
        try
        {
            CheckState(output, resume, overwrite); // again, now that no other run can change it
            if (resume)
            {
                CheckSameRun(path, arguments);
            }
            else
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(path))
                    if (System.IO.Path.GetFileName(entry) != LockFile) Temporaries.Delete(entry);
                AtomicFile.WriteAllText(System.IO.Path.Combine(path, ArgumentsFile), JsonSerializer.Serialize(arguments, Json));
            }
            return new TrainingWorkDirectory(path, lockStream);
        }
        catch
        {
            lockStream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Refuses, before any expensive work, a <paramref name="resume"/> with no checkpoint to resume from, and a new run
    /// that would discard an interrupted run's checkpoint without <paramref name="overwrite"/>.
    /// </summary>
    public static void CheckState(string output, bool resume, bool overwrite)
    {
        var path = PathFor(output);
        if (!Directory.Exists(path))
        {
            if (resume) throw new InvalidInputException($"nothing to resume: no interrupted run of this output ({path} does not exist)", output);
            return;
        }
        bool hasCheckpoint = File.Exists(System.IO.Path.Combine(path, CheckpointDirectory, "state.json"));
        if (resume && !hasCheckpoint)
            throw new InvalidInputException("nothing to resume: the interrupted run stopped before its first checkpoint (start afresh with --overwrite)", path);
        if (!resume && hasCheckpoint && !overwrite)
            throw new InvalidInputException("an interrupted run of this output left a checkpoint here: pass --resume to continue it, or --overwrite to start afresh", path);
    }

    /// <summary>Turns the work directory into <paramref name="output"/> (replacing it atomically), without the run's bookkeeping.</summary>
    public void Publish(string output)
    {
        foreach (var name in new[] { CheckpointDirectory, ArgumentsFile }) Temporaries.Delete(System.IO.Path.Combine(Path, name));
        Unlock(delete: true);
        AtomicFile.PublishDirectory(Path, OutputDirectory.Full(output));
    }

    /// <summary>After a failure (not an interruption): keeps a checkpoint to resume from, else removes the directory.</summary>
    public void Abandon()
    {
        Unlock(delete: false);
        if (!File.Exists(System.IO.Path.Combine(Path, CheckpointDirectory, "state.json"))) Temporaries.Delete(Path);
    }

    public void Dispose() => Unlock(delete: false);

    private void Unlock(bool delete)
    {
        _lock?.Dispose();
        _lock = null;
        if (delete) Temporaries.Delete(System.IO.Path.Combine(Path, LockFile));
    }

    private static FileStream Lock(string path)
    {
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix; the kernel drops it when the process dies.
            return new FileStream(System.IO.Path.Combine(path, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidInputException("another dslsft run is writing this output right now (its work directory is locked)", path, inner: e);
        }
    }

    private static void CheckSameRun(string path, IReadOnlyDictionary<string, string> arguments)
    {
        var file = System.IO.Path.Combine(path, ArgumentsFile);
        Dictionary<string, string>? recorded;
        try { recorded = JsonSerializer.Deserialize<Dictionary<string, string>>(InputFile.ReadAllText(file, InputFile.SmallFileLimit, "run record"), Json); }
        catch (JsonException e) { throw new InvalidInputException($"the run record is not valid JSON: {e.Message}", file, inner: e); }
        var differing = arguments.Keys.Union((IEnumerable<string>?)recorded?.Keys ?? [])
            .Where(k => arguments.GetValueOrDefault(k) != recorded?.GetValueOrDefault(k)).Order(StringComparer.Ordinal).ToList();
        static string Shown(IReadOnlyDictionary<string, string>? values, string key) =>
            values is not null && values.TryGetValue(key, out var value) ? $"'{value}'" : "not recorded";
        if (differing.Count > 0)
        {
            // A key the record lacks was added to the arguments by a later dslsft: say so rather than show it as empty.
            bool older = differing.Any(k => recorded is null || !recorded.ContainsKey(k));
            throw new InvalidInputException($"the checkpoint belongs to a run with other arguments ({string.Join(", ", differing.Select(k => $"{k}: {Shown(recorded, k)} then, {Shown(arguments, k)} now"))}); " +
                                            (older ? "it was written by an earlier dslsft, which recorded fewer arguments; " : "") +
                                            "resume with the same command and version, or start afresh with --overwrite", path);
        }
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
}
