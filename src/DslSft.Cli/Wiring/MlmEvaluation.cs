using DslSft.Cli.Rendering;
using DslSft.Data.Mlm;
using DslSft.Data.Text;
using DslSft.Engine;
using DslSft.Models;

namespace DslSft.Cli.Wiring;

/// <summary>
/// `eval -t mlm`: masked-LM loss and perplexity of a model with SFTs applied (typically a language SFT) on raw text,
/// computed as train-lang's validation loss is (<see cref="MlmCorpus.ValidationLoss"/>): the text packed into blocks of
/// --max-length (or one example per line), 15% of tokens masked 80/10/10 with masks drawn from --seed, the same for
/// every model, so that losses of different SFTs on the same file and seed are comparable.
/// </summary>
public static class MlmEvaluation
{
    public sealed record Row(string File, long Sequences, double Loss)
    {
        public double Perplexity => Math.Exp(Loss);
    }

    public static IReadOnlyList<Row> Evaluate(string modelPath, IReadOnlyList<Sft.SparseFineTuning> sfts, IReadOnlyList<string> files,
        Func<BaseModel, int> maxLength, int batchSize, int seed, bool lineByLine)
    {
        using var model = BaseModel.Load(modelPath, ModelHead.MaskedLM);
        // A language SFT trained with the decoder frozen leaves the decoder at the base model's values, as in training.
        var parameters = DecoderSurgery.ForApplying(model.Model, sfts) ? ParameterTable.Build(model.Model).Tensors : model.Parameters;
        using var applied = AppliedSfts.Apply(sfts, parameters);
        int length = maxLength(model);
        var rows = new List<Row>();
        foreach (var file in files)
        {
            var corpus = MlmCorpus.Build(model.Tokenizer, [], RawTextReader.Read(file), length, lineByLine);
            if (corpus.Validation.Count == 0)
                throw new InvalidInputException($"no text to evaluate: the file is empty or shorter than one block of {length} tokens (use --line-by-line or a smaller --max-length)", file);
            var collator = MlmCorpus.Collator(model.Tokenizer, seed);
            rows.Add(new Row(Path.GetFileName(file), corpus.Validation.Count, corpus.ValidationLoss(model.Model, collator, batchSize)));
        }
        return rows;
    }

    public static ResultsTable Table(IReadOnlyList<Row> rows)
    {
        var table = new ResultsTable("eval mlm", "data", "sequences", "loss", "perplexity");
        foreach (var row in rows) table.AddRow(row.File, row.Sequences, row.Loss, row.Perplexity);
        return table;
    }
}
