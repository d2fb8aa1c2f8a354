using DslSft.Experiments.CrossLingual;

namespace DslSft.Demo;

/// <summary>What the demo produced: the transfer table, the pretraining run and where the files are.</summary>
public sealed record DemoReport(TransferReport Transfer, double PretrainSeconds, double PretrainFinalLoss, double TotalSeconds,
    string OutputDirectory, int VocabularySize, long ParameterCount);
