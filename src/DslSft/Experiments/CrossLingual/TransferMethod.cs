namespace DslSft.Experiments.CrossLingual;

/// <summary>How language and task adaptations are trained and stored.</summary>
public enum TransferMethod
{
    /// <summary>Lottery-ticket SFT: full phase, keep the K entries that moved most, rewind, sparse phase.</summary>
    LtSft,
    /// <summary>Dense fine-tuning of every maskable entry (its diff θ − θ0 is the "SFT"; K = all).</summary>
    Dense,
    /// <summary>Sparse fine-tuning of K entries chosen at random (the paper's random-mask baseline).</summary>
    RandomMask,
}

public static class TransferMethodNames
{
    public static string Display(this TransferMethod method) => method switch
    {
        TransferMethod.LtSft => "LT-SFT",
        TransferMethod.Dense => "dense fine-tuning",
        TransferMethod.RandomMask => "random-mask SFT",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    /// <summary>Short name for file names and JSON.</summary>
    public static string Key(this TransferMethod method) => method switch
    {
        TransferMethod.LtSft => "lt-sft",
        TransferMethod.Dense => "dense",
        TransferMethod.RandomMask => "random",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };
}
