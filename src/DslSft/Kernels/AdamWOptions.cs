namespace DslSft.Kernels;

/// <summary>
/// Hyper-parameters of <see cref="SparseAdamW"/>, with torch.optim.AdamW's meaning. <see cref="L1"/> is the
/// strength of the pull toward the pretrained values (LT-SFT's L1 regularisation), already normalised by
/// the caller (e.g. divided by the number of selected parameters if the loss is normalised that way); 0 disables it.
/// </summary>
public sealed record AdamWOptions(
    float LearningRate = 1e-3f,
    float Beta1 = 0.9f,
    float Beta2 = 0.999f,
    float Epsilon = 1e-8f,
    float WeightDecay = 0.01f,
    float L1 = 0f);
