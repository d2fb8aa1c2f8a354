using DslSft.Models;
using DslSft.Sft;

namespace DslSft.Cli.Wiring;

/// <summary>
/// The model head that SFTs need, read off their dense (abs) tensors: a task SFT carries its head whole
/// (<c>classifier.*</c>, with the pooler for sequence classification, <c>qa_outputs.*</c> for QA), so a base
/// model saved as BertForMaskedLM can be loaded with the right head and label count before applying them.
/// </summary>
public static class SftHead
{
    public static (ModelHead? Head, HfLoadOptions? Options) Infer(IEnumerable<SparseFineTuning> sfts)
    {
        ModelHead? head = null;
        int? labels = null;
        foreach (var sft in sfts)
        {
            var names = sft.Abs.Keys.ToList();
            if (sft.Abs.TryGetValue("classifier.weight", out var classifier))
            {
                head = names.Any(n => n.Contains("pooler", StringComparison.Ordinal)) ? ModelHead.SequenceClassification : ModelHead.TokenClassification;
                labels = (int)classifier.shape[0];
            }
            else if (names.Any(n => n.StartsWith("qa_outputs.", StringComparison.Ordinal))) head = ModelHead.QuestionAnswering;
            else if (names.Any(n => n.StartsWith("cls.predictions.", StringComparison.Ordinal))) head ??= ModelHead.MaskedLM;
        }
        return (head, labels is null ? null : new HfLoadOptions { NumLabels = labels });
    }
}
