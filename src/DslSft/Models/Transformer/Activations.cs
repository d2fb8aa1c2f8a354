using static TorchSharp.torch;

namespace DslSft.Models.Transformer;

/// <summary>The <c>hidden_act</c> values HF BERT-family configs use, with HF's exact definitions.</summary>
public static class Activations
{
    public static readonly IReadOnlyList<string> Supported = new[] { "gelu", "gelu_new", "relu", "silu", "tanh" };

    public static bool IsSupported(string name) => Supported.Contains(name);

    /// <summary>Applies the named activation: "gelu" is the exact erf GELU, "gelu_new" the tanh approximation.</summary>
    public static Tensor Apply(string name, Tensor x) => name switch
    {
        "gelu" => nn.functional.gelu(x),
        "gelu_new" => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => nn.functional.relu(x),
        "silu" => nn.functional.silu(x),
        "tanh" => x.tanh(),
        _ => throw new NotSupportedException($"hidden_act '{name}' is not supported"),
    };
}
