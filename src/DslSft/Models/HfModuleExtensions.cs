namespace DslSft.Models;

/// <summary>Training policies applied through the parameter table (they change <c>requires_grad</c>, so the table shows them as Frozen).</summary>
public static class HfModuleExtensions
{
    /// <summary>Stops gradients for every parameter whose declared spec matches <paramref name="predicate"/> (tied aliases are skipped).</summary>
    public static void Freeze(this IHfModule model, Func<ParameterSpec, bool> predicate)
    {
        var tensors = model.HfParameters().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var spec in model.DescribeParameters())
            if (spec.TiedTo is null && predicate(spec)) tensors[spec.Name].requires_grad = false;
    }

    /// <summary>composable-sft's <c>freeze_layer_norm</c>: LayerNorm weights and biases are not trained (nor masked).</summary>
    public static void FreezeLayerNorms(this IHfModule model) =>
        model.Freeze(spec => spec.Kind is ParameterKind.LayerNormWeight or ParameterKind.LayerNormBias);
}
