using static TorchSharp.torch;

namespace DslSft.Models.Autograd;

/// <summary>
/// The input gradients our custom autograd functions return. Autograd copies a returned gradient when the
/// function's backward returns, but the managed wrapper would otherwise live until the caller's dispose scope ends
/// (the whole update), keeping one activation-sized tensor per layer alive through the rest of backward. So each
/// is kept out of every scope here and freed at the next custom backward (by then autograd holds its own
/// reference) or when the trainer calls <see cref="Release"/> after backward. Per thread, as backward runs on the
/// thread that called it.
/// </summary>
public static class HandedBackGradients
{
    [ThreadStatic] private static List<Tensor>? _pending;

    /// <summary>Frees every gradient handed back so far on this thread.</summary>
    public static void Release()
    {
        if (_pending is null) return;
        foreach (var t in _pending) t.Dispose();
        _pending.Clear();
    }

    /// <summary>Keeps <paramref name="gradient"/> (may be null) out of every dispose scope until <see cref="Release"/>; returns it.</summary>
    internal static Tensor Keep(Tensor? gradient)
    {
        if (gradient is null) return null!;
        (_pending ??= new()).Add(gradient.DetachFromDisposeScope());
        return gradient;
    }
}
