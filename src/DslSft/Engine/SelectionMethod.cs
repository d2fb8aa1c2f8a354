namespace DslSft.Engine;

/// <summary>How the K trainable entries are chosen.</summary>
public enum SelectionMethod
{
    /// <summary>LT-SFT: full fine-tuning, then the K entries that moved most (|θ − θ0|).</summary>
    LotteryTicket,
    /// <summary>Baseline: K entries chosen uniformly at random; no full phase.</summary>
    Random,
}
