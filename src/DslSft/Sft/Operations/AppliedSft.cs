using static TorchSharp.torch;

namespace DslSft.Sft.Operations;

/// <summary>
/// The record of one apply (or fused compose): for every touched parameter, the indices and the exact values
/// that were there before, and for every replaced abs parameter its previous full value. <see cref="Revert"/>
/// writes those back, so the model returns to its original weights bit for bit (not θ + d − d).
/// When several applies are stacked on one model, revert them in reverse order.
/// </summary>
public sealed class AppliedSft
{
    internal sealed record TouchedDiff(string Name, Tensor Target, Tensor Indices, Tensor Originals);
    internal sealed record ReplacedAbs(string Name, Tensor Target, Tensor Original);

    private readonly List<TouchedDiff> _diffs;
    private readonly List<ReplacedAbs> _abs;
    private readonly ISparseApplyBackend _backend;

    internal AppliedSft(List<TouchedDiff> diffs, List<ReplacedAbs> abs, ISparseApplyBackend backend)
    {
        _diffs = diffs;
        _abs = abs;
        _backend = backend;
    }

    /// <summary>Parameters that received sparse diffs.</summary>
    public IReadOnlyList<string> DiffTensors => _diffs.Select(d => d.Name).ToArray();

    /// <summary>Parameters whose values were replaced by abs tensors.</summary>
    public IReadOnlyList<string> AbsTensors => _abs.Select(a => a.Name).ToArray();

    /// <summary>Number of parameter entries changed by diffs.</summary>
    public long DiffEntryCount => _diffs.Sum(d => d.Indices.shape[0]);

    public bool IsReverted { get; private set; }

    /// <summary>Restores the original values. Can be called once.</summary>
    public void Revert()
    {
        if (IsReverted) throw new InvalidOperationException("this SFT application has already been reverted");
        using (no_grad())
        {
            // Reverse order of apply: abs replacements were made after the diffs.
            for (int i = _abs.Count - 1; i >= 0; i--) _abs[i].Target.copy_(_abs[i].Original);
            for (int i = _diffs.Count - 1; i >= 0; i--)
            {
                var d = _diffs[i];
                using var flat = d.Target.view(-1);
                _backend.Restore(flat, d.Indices, d.Originals);
            }
        }
        IsReverted = true;
        foreach (var a in _abs) a.Original.Dispose();
        foreach (var d in _diffs) d.Originals.Dispose(); // indices may be the SFT's own tensor: left to the GC
    }
}
