using DslSft.Cli.Wiring.Tasks;
using DslSft.Models;
using DslSft.Sft;
using DslSft.Tasks;

namespace DslSft.Cli.Wiring;

/// <summary>
/// The model head that SFTs need, so a base model saved as BertForMaskedLM can be loaded with the right head and size
/// before applying them. A task SFT written by train-task records its task and label set; for other SFTs (imported from
/// composable-sft) the head is read off their dense (abs) tensors: <c>classifier.*</c> (with the pooler for sequence
/// classification), <c>qa_outputs.*</c> for QA, <c>parser.*</c> for parsing, <c>cls.predictions.*</c> for masked LM.
/// </summary>
public static class SftHead
{
    public static (ModelHead? Head, HfLoadOptions? Options) Infer(IEnumerable<SparseFineTuning> sfts)
    {
        ModelHead? head = null;
        HfLoadOptions? options = null;
        foreach (var sft in sfts)
        {
            var arguments = sft.Metadata.TrainingArguments;
            var names = sft.Abs.Keys.ToList();
            if (arguments.GetValueOrDefault(TaskWirings.TaskArgument) is { } taskName && TaskKinds.TryParse(taskName, out var kind))
            {
                head = kind.Head();
                int? labels = arguments.GetValueOrDefault(TaskWirings.LabelsArgument) is { } json
                    ? System.Text.Json.JsonSerializer.Deserialize<string[]>(json)!.Length
                    : null;
                options = kind == TaskKind.DependencyParsing ? new HfLoadOptions { NumRelations = labels } : new HfLoadOptions { NumLabels = labels };
            }
            else if (sft.Abs.TryGetValue("classifier.weight", out var classifier))
            {
                head = names.Any(n => n.Contains("pooler", StringComparison.Ordinal)) ? ModelHead.SequenceClassification : ModelHead.TokenClassification;
                options = new HfLoadOptions { NumLabels = (int)classifier.shape[0] };
            }
            else if (sft.Abs.TryGetValue("parser.rel_attention.weight", out var relations))
            {
                head = ModelHead.DependencyParsing;
                options = new HfLoadOptions { NumRelations = (int)relations.shape[0] };
            }
            else if (names.Any(n => n.StartsWith("qa_outputs.", StringComparison.Ordinal))) head = ModelHead.QuestionAnswering;
            else if (names.Any(n => n.StartsWith("cls.predictions.", StringComparison.Ordinal))) head ??= ModelHead.MaskedLM;
        }
        return (head, options);
    }
}
