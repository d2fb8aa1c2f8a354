using DslSft.Engine;
using DslSft.Training;
using static TorchSharp.torch;

namespace DslSft.Tests.Engine;

/// <summary>A training checkpoint's tensors go through the format layer's safetensors reader and writer.</summary>
public sealed class TrainingCheckpointFileTests : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("dslsft-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    private static CheckpointState State() => new()
    {
        Iteration = 1, Phase = TrainingPhase.Full, Step = 3, OptimizerSteps = 3, Epoch = 0, BatchInEpoch = 3,
        Options = new Dictionary<string, string>(), Log = [],
    };

    [Fact]
    public void Tensors_round_trip_bit_for_bit_in_their_dtypes()
    {
        var directory = Path.Combine(temp, "checkpoint");
        var tensors = new Dictionary<string, Tensor>
        {
            ["adam.m/w"] = tensor(new[] { 1.5f, float.Epsilon, -0f }),
            ["mask/w"] = tensor(new[] { true, false, true }),
            ["rng"] = tensor(new long[] { long.MaxValue, -1 }),
        };
        TrainingCheckpoint.Save(directory, State(), tensors);
        var (state, loaded) = TrainingCheckpoint.Load(directory);
        Assert.Equal(3, state.Step);
        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, value) in tensors)
        {
            Assert.Equal(value.dtype, loaded[name].dtype);
            Assert.True(value.equal(loaded[name]).all().item<bool>(), name);
        }
    }

    [Fact]
    public void A_truncated_checkpoint_names_the_file_and_the_tensor()
    {
        var directory = Path.Combine(temp, "checkpoint");
        TrainingCheckpoint.Save(directory, State(), new Dictionary<string, Tensor> { ["a"] = ones(8), ["b"] = ones(8) });
        var file = Path.Combine(directory, "tensors.safetensors");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..^4]);
        var error = Assert.Throws<InvalidInputException>(() => TrainingCheckpoint.Load(directory));
        Assert.Equal(file, error.Path);
        Assert.Contains("truncated: tensor 'b'", error.Message);
    }
}
