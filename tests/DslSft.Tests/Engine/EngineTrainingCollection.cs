namespace DslSft.Tests.Engine;

/// <summary>
/// Training tests that check bit-exact results draw dropout masks from TorchSharp's global generator, which any
/// test running at the same time would advance; this collection runs them alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineTrainingCollection
{
    public const string Name = "Engine training (global torch RNG)";
}
