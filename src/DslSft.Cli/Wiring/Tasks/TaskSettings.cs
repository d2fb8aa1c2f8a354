using DslSft.Data.Ner;
using DslSft.Tasks.Parsing;

namespace DslSft.Cli.Wiring.Tasks;

/// <summary>
/// The task-specific choices of train-task and eval (read from the command line by <see cref="TaskCommandOptions"/>);
/// each task reads only the ones that concern it.
/// </summary>
public sealed record TaskSettings
{
    /// <summary>A labels file (<c>--labels</c>): one label per line or a JSON array.</summary>
    public string? LabelsFile { get; init; }

    /// <summary>NER: IOB1 conversion and MasakhaNER's type mapping.</summary>
    public NerReadOptions Ner { get; init; } = new();

    /// <summary>Parsing: greedy heads (composable-sft's) or the maximum spanning tree.</summary>
    public HeadDecoding Decoding { get; init; } = HeadDecoding.Greedy;

    /// <summary>Parsing: leave words whose gold relation is <c>punct</c> out of UAS/LAS.</summary>
    public bool ExcludePunctuation { get; init; }

    /// <summary>Parsing: also leave out words whose gold head equals the pad id, as composable-sft's scoring does.</summary>
    public bool ReferenceMask { get; init; }

    /// <summary>QA: context tokens shared by consecutive windows; null: 128, at most half the maximum length.</summary>
    public int? DocStride { get; init; }

    /// <summary>QA: the longest answer span considered, in tokens.</summary>
    public int MaxAnswerLength { get; init; } = 30;
}
