using System.CommandLine;
using DslSft.Cli.Wiring.Tasks;
using DslSft.Data.Ner;
using DslSft.Tasks;
using DslSft.Tasks.Parsing;

namespace DslSft.Cli.Wiring;

/// <summary>
/// The task-specific options train-task and eval share, read into <see cref="TaskSettings"/>: the label set, NER reading,
/// parser decoding and scoring, QA windowing. An option given for a task it does not concern is a usage error rather
/// than silently ignored.
/// </summary>
public sealed class TaskCommandOptions
{
    public Option<string> Labels { get; }
    public Option<bool> Iob1 { get; } = new("--iob1") { Description = "ner: tags are IOB1; convert to IOB2 while reading." };
    public Option<bool> MasakhaNer { get; } = new("--masakhaner") { Description = "ner: map DATE and MISC to O, as composable-sft does for MasakhaNER." };
    public Option<string> Decode { get; } = new("--decode")
    {
        Description = "dp: heads by composable-sft's greedy argmax (default; may not form a tree) or the maximum spanning tree.",
        HelpName = "greedy|mst",
        DefaultValueFactory = _ => "greedy",
    };
    public Option<bool> Mst { get; } = new("--mst") { Description = "dp: the same as --decode mst." };
    public Option<bool> NoPunct { get; } = new("--no-punct") { Description = "dp: leave words whose gold relation is punct out of UAS/LAS (by default every word counts)." };
    public Option<bool> ReferenceMask { get; } = new("--reference-mask")
    {
        Description = "dp: also leave out words whose gold head equals the pad id, as composable-sft's scoring does (BERT: root attachments).",
    };
    public Option<int?> DocStride { get; } = new("--doc-stride")
    {
        Description = $"qa: context tokens shared by consecutive windows (default {QuestionAnsweringTask.DefaultDocStride}, at most half of --max-length).",
        HelpName = "n",
    };
    public Option<int> MaxAnswerLength { get; } = new("--max-answer-length") { Description = "qa: longest answer span considered, in tokens.", DefaultValueFactory = _ => 30, HelpName = "n" };

    public TaskCommandOptions(string labelsDescription)
    {
        Labels = new Option<string>("--labels") { Description = labelsDescription, HelpName = "file" };
        Decode.AcceptOnlyFromAmong("greedy", "mst");
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Labels, Iob1, MasakhaNer, Decode, Mst, NoPunct, ReferenceMask, DocStride, MaxAnswerLength })
            command.Options.Add(option);
    }

    public TaskSettings Read(ParseResult parse, TaskKind kind)
    {
        void Only(Option option, params TaskKind[] tasks)
        {
            if (parse.GetResult(option) is { Implicit: false } && !tasks.Contains(kind))
                throw new InvalidInputException($"{option.Name} does not apply to --task {kind.Name()} (only to {string.Join(", ", tasks.Select(t => t.Name()))})");
        }
        Only(Labels, TaskKind.Pos, TaskKind.Ner, TaskKind.DependencyParsing, TaskKind.Nli, TaskKind.SequenceClassification);
        Only(Iob1, TaskKind.Ner);
        Only(MasakhaNer, TaskKind.Ner);
        foreach (var option in new Option[] { Decode, Mst, NoPunct, ReferenceMask }) Only(option, TaskKind.DependencyParsing);
        Only(DocStride, TaskKind.QuestionAnswering);
        Only(MaxAnswerLength, TaskKind.QuestionAnswering);

        bool mst = parse.GetValue(Mst);
        if (mst && parse.GetResult(Decode) is { Implicit: false } && parse.GetValue(Decode) != "mst")
            throw new InvalidInputException("--mst contradicts --decode greedy");
        int? docStride = parse.GetValue(DocStride);
        if (docStride is <= 0) throw new InvalidInputException($"--doc-stride must be positive, got {docStride}");
        int maxAnswer = parse.GetValue(MaxAnswerLength);
        if (maxAnswer <= 0) throw new InvalidInputException($"--max-answer-length must be positive, got {maxAnswer}");
        return new TaskSettings
        {
            LabelsFile = parse.GetValue(Labels),
            Ner = (parse.GetValue(MasakhaNer) ? NerReadOptions.MasakhaNer : new NerReadOptions())
                with { Scheme = parse.GetValue(Iob1) ? TagScheme.Iob1 : TagScheme.Iob2 },
            Decoding = mst || parse.GetValue(Decode) == "mst" ? HeadDecoding.Mst : HeadDecoding.Greedy,
            ExcludePunctuation = parse.GetValue(NoPunct),
            ReferenceMask = parse.GetValue(ReferenceMask),
            DocStride = docStride,
            MaxAnswerLength = maxAnswer,
        };
    }
}
