namespace DslSft.Engine;

/// <summary>
/// What the L1 term λ · Σ|θ − θ0| / n (n = the model's parameter count) does to training.
/// </summary>
public enum L1Mode
{
    /// <summary>
    /// As composable-sft's code does it, and so as every SFT it published was trained: θ0 is built from θ without
    /// being detached, so d|θ − θ0(θ)|/dθ = sign − sign = 0 and the term changes no gradient. It is computed and
    /// logged, nothing more. Training equals a run with λ = 0 bit for bit (the parity fixtures check it).
    /// </summary>
    ComposableSft,

    /// <summary>
    /// As the paper describes it: the term pulls θ toward θ0, adding fl32(fl32(1/n) · λ) · sign(θ − θ0) to every
    /// trained entry's gradient before masking and clipping (sign(0) = 0), heads included unless
    /// <see cref="LtSftOptions.ApplyL1ToSparseOnly"/>.
    /// </summary>
    Paper,
}
