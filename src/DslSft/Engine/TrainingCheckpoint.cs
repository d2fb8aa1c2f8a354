using System.Text.Json;
using DslSft.IO;
using DslSft.IO.Formats;
using DslSft.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Engine;

/// <summary>Where a run stands: enough, with the tensors beside it, to continue exactly as if never stopped.</summary>
internal sealed record CheckpointState
{
    public required int Iteration { get; init; }
    public required TrainingPhase Phase { get; init; }
    /// <summary>Updates done in the current phase.</summary>
    public required long Step { get; init; }
    public required long OptimizerSteps { get; init; }
    public required int Epoch { get; init; }
    public required long BatchInEpoch { get; init; }
    public double? BestMetric { get; init; }
    public IReadOnlyDictionary<string, double>? LastEvaluation { get; init; }
    /// <summary>The options the run was started with; resuming with different ones is refused.</summary>
    public required IReadOnlyDictionary<string, string> Options { get; init; }
    public required IReadOnlyList<TrainingLogEntry> Log { get; init; }
    /// <summary>Rounds whose selection is already made.</summary>
    public int SelectedIterations { get; init; }
    /// <summary>Taken inside a phase (optimizer state included) rather than at a phase boundary.</summary>
    public bool MidPhase { get; init; }
}

/// <summary>
/// A resumable checkpoint: a directory with <c>state.json</c> and <c>tensors.safetensors</c>, replaced atomically
/// as a whole, so an interruption at any moment leaves the previous complete checkpoint.
/// </summary>
internal static class TrainingCheckpoint
{
    private const string StateFile = "state.json";
    private const string TensorFile = "tensors.safetensors";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, StateFile)) && File.Exists(Path.Combine(directory, TensorFile));

    public static void Save(string directory, CheckpointState state, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var cpu = new Dictionary<string, Tensor>();
        using var scope = torch.NewDisposeScope();
        foreach (var (key, t) in tensors) cpu[key] = t.detach().cpu().contiguous();
        AtomicFile.WriteDirectory(directory, temp =>
        {
            File.WriteAllText(Path.Combine(temp, StateFile), JsonSerializer.Serialize(state, Json));
            SafeTensorsFile.Write(Path.Combine(temp, TensorFile), cpu);
        }, overwrite: true);
    }

    public static (CheckpointState State, Dictionary<string, Tensor> Tensors) Load(string directory)
    {
        var statePath = Path.Combine(directory, StateFile);
        CheckpointState state;
        try
        {
            state = JsonSerializer.Deserialize<CheckpointState>(InputFile.ReadAllText(statePath, InputFile.SmallFileLimit, "checkpoint state"), Json)
                    ?? throw new InvalidInputException("checkpoint state is empty", statePath);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"checkpoint state is not valid JSON: {e.Message}", statePath, e.LineNumber + 1, e);
        }
        var tensors = SafeTensorsFile.ReadStateDict(Path.Combine(directory, TensorFile), "checkpoint tensors");
        foreach (var t in tensors.Values) t.DetachFromDisposeScope();
        return (state, tensors);
    }
}
