using System.Text.Json;
using DslSft.Sft;
using DslSft.Tasks;

namespace DslSft.Cli.Wiring.Tasks;

/// <summary>
/// Picks the <see cref="TaskWiring"/> for <c>--task</c> and its label set. Training: <c>--labels</c>, else the fixed UD
/// set (UPOS for pos, composable-sft's relations for dp), else the labels seen in the training files (sorted, as
/// composable-sft infers them). Evaluation: the set the task SFT records (train-task stores it as the
/// <see cref="LabelsArgument"/> training argument), else <c>--labels</c>, else the fixed set.
/// </summary>
public static class TaskWirings
{
    /// <summary>The SFT training argument that records the head's label set (a JSON array).</summary>
    public const string LabelsArgument = "labels";

    /// <summary>The SFT training argument that records the task (its command-line name).</summary>
    public const string TaskArgument = "task";

    public static TaskWiring ForTraining(TaskKind kind, TaskSettings settings, IEnumerable<string> trainFiles)
    {
        var labels = settings.LabelsFile is { } file ? LabelVocabulary.Load(file)
            : FixedLabels(kind) ?? (kind == TaskKind.QuestionAnswering ? null
                : LabelVocabulary.Infer(trainFiles.SelectMany(f => ObservedLabels(kind, f, settings))));
        if (labels is { Count: 0 }) throw new InvalidInputException($"the training data has no labels for --task {kind.Name()}");
        return Create(kind, settings, labels);
    }

    /// <param name="sftPaths">The <c>--sft</c> paths <paramref name="sfts"/> were loaded from, to name the one trained for another task.</param>
    /// <param name="modelLabels">The label names the model directory's config.json gives (<see cref="ConfigLabels"/>): a
    /// model written by compose or export; used when no SFT records a label set and no <c>--labels</c> is given.</param>
    public static TaskWiring ForEvaluation(TaskKind kind, TaskSettings settings, IReadOnlyList<SparseFineTuning> sfts,
        IReadOnlyList<string>? sftPaths = null, LabelVocabulary? modelLabels = null)
    {
        for (int i = 0; i < sfts.Count; i++)
            if (sfts[i].Metadata.TrainingArguments.GetValueOrDefault(TaskArgument) is { } trained && TaskKinds.TryParse(trained, out var other) && other != kind)
                throw new InvalidInputException($"this --sft was trained for --task {other.Name()}, not {kind.Name()}", sftPaths?[i]);
        var labels = Recorded(sfts)
            ?? (settings.LabelsFile is { } file ? LabelVocabulary.Load(file) : null)
            ?? modelLabels
            ?? FixedLabels(kind)
            ?? (kind == TaskKind.QuestionAnswering ? null
                : throw new InvalidInputException($"no --sft records the label set of the {kind.Name()} head (train-task stores it); give it with --labels"));
        return Create(kind, settings, labels);
    }

    private static TaskWiring Create(TaskKind kind, TaskSettings settings, LabelVocabulary? labels) => kind switch
    {
        TaskKind.Pos or TaskKind.Ner => new TokenTaggingTask(kind, labels!, settings.Ner),
        TaskKind.DependencyParsing => new DependencyParsingTask(labels!, settings),
        TaskKind.Nli or TaskKind.SequenceClassification => new SentenceClassificationTask(kind, labels!),
        TaskKind.QuestionAnswering => new QuestionAnsweringTask(settings),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static LabelVocabulary? FixedLabels(TaskKind kind) => kind switch
    {
        TaskKind.Pos => UdLabels.Upos,
        TaskKind.DependencyParsing => UdLabels.Relations,
        _ => null,
    };

    private static IEnumerable<string> ObservedLabels(TaskKind kind, string path, TaskSettings settings) => kind switch
    {
        TaskKind.Ner => TokenTaggingTask.ObservedLabels(kind, path, settings.Ner),
        TaskKind.Nli or TaskKind.SequenceClassification => SentenceClassificationTask.ObservedLabels(kind, path),
        _ => [],
    };

    /// <summary>The label set the last SFT that records one holds (the task SFT comes after language SFTs).</summary>
    public static LabelVocabulary? Recorded(IReadOnlyList<SparseFineTuning> sfts) =>
        sfts.Select(s => s.Metadata.TrainingArguments.GetValueOrDefault(LabelsArgument)).LastOrDefault(l => l is not null) is { } json
            ? new LabelVocabulary(JsonSerializer.Deserialize<string[]>(json)!)
            : null;
}
