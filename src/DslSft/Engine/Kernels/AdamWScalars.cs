namespace DslSft.Engine.Kernels;

/// <summary>
/// The scalars of one AdamW step, shared by every tensor of a call. The effective gradient of an entry is
/// <c>g = GradScale · (grad + L1 · sign(θ − θ0))</c>: <see cref="GradScale"/> carries gradient clipping and
/// <see cref="L1"/> is the L1-toward-θ0 coefficient already divided by the model's parameter count (0 disables it).
/// Then, as torch.optim.AdamW: <c>m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
/// θ = θ·(1 − lr·wd) − lr/bc1 · m / (sqrt(v)/sqrt(bc2) + ε)</c>.
/// </summary>
public readonly record struct AdamWScalars(
    float LearningRate,
    float Beta1,
    float Beta2,
    float Epsilon,
    float WeightDecay,
    float BiasCorrection1,
    float BiasCorrection2,
    float GradScale,
    float L1)
{
    /// <summary>Scalars for the <paramref name="step"/>-th update (1-based), as AdamW derives its bias corrections.</summary>
    public static AdamWScalars ForStep(long step, float learningRate, float beta1, float beta2, float epsilon,
        float weightDecay, float gradScale, float l1) =>
        new(learningRate, beta1, beta2, epsilon, weightDecay,
            BiasCorrection1: (float)(1 - Math.Pow(beta1, step)),
            BiasCorrection2: (float)(1 - Math.Pow(beta2, step)),
            gradScale, l1);
}
