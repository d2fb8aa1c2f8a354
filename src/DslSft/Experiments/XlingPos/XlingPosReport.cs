using DslSft.Experiments.CrossLingual;

namespace DslSft.Experiments.XlingPos;

/// <summary>One point of a sweep: the factor, the resulting settings, and target accuracy without and with the target-language SFT.</summary>
public sealed record SweepPoint(string Sweep, double Factor, double TaskDensity, double LanguageDensity, string TaskPhase, string LanguagePhase,
    double TaskOnly, double WithLanguage, double Seconds);

public sealed record XlingPosReport(TransferReport Main, IReadOnlyList<SweepPoint> Sweeps, double Seconds);
