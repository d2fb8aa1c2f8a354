using DslSft.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Engine;

/// <summary>
/// A named model parameter (HF name, float32 leaf tensor) and what LT-SFT does with it. Models supply these from
/// their parameter tables; <see cref="FromModule"/> builds them from any module and a role function.
/// </summary>
public sealed record TrainableParameter(string Name, Tensor Tensor, ParameterRole Role)
{
    /// <summary>Every named parameter of <paramref name="module"/> with the role <paramref name="roleOf"/> gives it.</summary>
    public static IReadOnlyList<TrainableParameter> FromModule(nn.Module module, Func<string, ParameterRole> roleOf) =>
        module.named_parameters().Select(p => new TrainableParameter(p.name, p.parameter, roleOf(p.name))).ToList();
}
