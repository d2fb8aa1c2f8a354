using DslSft.Models;

namespace DslSft.Engine;

/// <summary>
/// composable-sft's freezing options, applied to the roles a model declares: body parameters are maskable
/// (stored as sparse diffs), heads are dense (stored whole), and these switches turn some of them off.
/// </summary>
public sealed record MaskingPolicy
{
    /// <summary>Freeze LayerNorm weights and biases (names containing "LayerNorm" or "layer_norm").</summary>
    public bool FreezeLayerNorm { get; init; }
    /// <summary>Freeze the embedding tables (names containing "embeddings.").</summary>
    public bool FreezeEmbeddings { get; init; }
    /// <summary>Freeze every dense head parameter.</summary>
    public bool FreezeHead { get; init; }
    /// <summary>
    /// composable-sft's <c>--freeze_decoder</c>: the MLM decoder is a frozen copy of the pre-trained word embeddings
    /// (<see cref="DecoderSurgery"/> makes it before the parameters are listed) and anything named "decoder" is frozen.
    /// </summary>
    public bool FreezeDecoder { get; init; }
    /// <summary>
    /// composable-sft's <c>--untie_embeddings</c>: the MLM decoder trains as its own dense head. <see cref="DecoderSurgery"/>
    /// unties it; parameters still declared <see cref="ParameterRole.Tied"/> then become dense heads.
    /// </summary>
    public bool UntieEmbeddings { get; init; }

    public ParameterRole Resolve(string name, ParameterRole declared)
    {
        if (declared == ParameterRole.Frozen) return ParameterRole.Frozen;
        if (declared == ParameterRole.Tied) return UntieEmbeddings && !FreezeDecoder ? ParameterRole.DenseHead : ParameterRole.Tied;
        if (FreezeLayerNorm && (name.Contains("LayerNorm", StringComparison.Ordinal) || name.Contains("layer_norm", StringComparison.Ordinal))) return ParameterRole.Frozen;
        if (FreezeEmbeddings && name.Contains("embeddings.", StringComparison.Ordinal)) return ParameterRole.Frozen;
        if (FreezeDecoder && name.Contains("decoder", StringComparison.Ordinal)) return ParameterRole.Frozen;
        if (FreezeHead && declared == ParameterRole.DenseHead) return ParameterRole.Frozen;
        return declared;
    }

    /// <summary>The parameters with their effective roles; checks names are unique and tensors are float32.</summary>
    public IReadOnlyList<TrainableParameter> Apply(IReadOnlyList<TrainableParameter> parameters)
    {
        var seen = new HashSet<string>();
        var result = new List<TrainableParameter>(parameters.Count);
        foreach (var p in parameters)
        {
            if (!seen.Add(p.Name)) throw new ArgumentException($"parameter '{p.Name}' is listed twice");
            // A decoder weight still tied to the embeddings would train through them: the surgery was skipped.
            if (FreezeDecoder && p.Role == ParameterRole.Tied && p.Name.EndsWith("decoder.weight", StringComparison.Ordinal))
                throw new ArgumentException($"'{p.Name}' is still tied to the word embeddings; freezing the decoder needs DecoderSurgery.Apply before the parameters are listed");
            var role = Resolve(p.Name, p.Role);
            if (role is ParameterRole.Maskable or ParameterRole.DenseHead && p.Tensor.dtype != TorchSharp.torch.ScalarType.Float32)
                throw new ArgumentException($"parameter '{p.Name}' is {p.Tensor.dtype}; LT-SFT trains float32 parameters only");
            result.Add(p with { Role = role });
        }
        return result;
    }
}
