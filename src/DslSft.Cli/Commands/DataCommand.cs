using System.CommandLine;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Data.Inspection;
using DslSft.Data.Ner;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft data FILE`: reads a data file with the same reader training and evaluation use, so a file that
/// passes here will load there. Prints counts and label distributions; on the first error prints it with
/// file and line and exits with code 2.
/// </summary>
public static class DataCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The data file to check." };
        var format = new Option<string>("--format", "-f")
        {
            Description = $"File format: {string.Join(", ", DataFormats.Names)} (default: from the extension, or NER vs text from the content).",
            HelpName = string.Join("|", DataFormats.Names),
        };
        format.AcceptOnlyFromAmong(DataFormats.Names.ToArray());
        var iob1 = new Option<bool>("--iob1") { Description = "NER tags are IOB1 (I- starts entities); convert to IOB2 while reading." };
        var masakhaNer = new Option<bool>("--masakhaner") { Description = "NER: map DATE and MISC entities to O, as composable-sft does for MasakhaNER." };
        var top = new Option<int>("--top") { Description = "Labels to show per distribution (the JSON has all).", DefaultValueFactory = _ => 20 };

        var command = CliCommand.Create("data",
            "Check a data file and summarise it: counts and label distributions. Errors name the file and line.",
            "dslsft data ../shared/data/ud/en_ewt-ud-dev.conllu",
            "dslsft data masakhaner/hau/train.txt --format ner --masakhaner",
            "dslsft data xnli.dev.tsv --json summary.json");
        command.Arguments.Add(file);
        command.Options.Add(format);
        command.Options.Add(iob1);
        command.Options.Add(masakhaNer);
        command.Options.Add(top);
        command.SetHandler((parse, context) =>
        {
            var formatName = parse.GetValue(format);
            var nerOptions = (parse.GetValue(masakhaNer) ? NerReadOptions.MasakhaNer : new NerReadOptions())
                with { Scheme = parse.GetValue(iob1) ? TagScheme.Iob1 : TagScheme.Iob2 };
            var summary = DataFileInspector.Inspect(parse.GetValue(file)!, formatName is null ? null : DataFormats.Parse(formatName), nerOptions);
            Show(context, summary, Math.Max(1, parse.GetValue(top)));
            context.WriteJson(ToJson(summary));
            return CliApp.ExitOk;
        });
        return command;
    }

    private static void Show(CliContext context, DataFileSummary summary, int top)
    {
        context.ShowLine($"{summary.Path} ({summary.Format.Name()})");
        var counts = new ResultsTable("counts", "count", "value");
        foreach (var (name, value) in summary.Counts) counts.AddRow(name, value);
        context.Show(counts.ToSpectre());
        foreach (var (name, distribution) in summary.Distributions)
        {
            long total = distribution.Sum(d => d.Count);
            var table = new ResultsTable(distribution.Count > top ? $"{name} (top {top} of {distribution.Count})" : name, name, "count", "share %");
            foreach (var (label, count) in distribution.Take(top))
                table.AddRow(label, count, new Fraction(total == 0 ? 0 : (double)count / total));
            context.Show(table.ToSpectre());
        }
    }

    private static JsonObject ToJson(DataFileSummary summary)
    {
        var counts = new JsonObject();
        foreach (var (name, value) in summary.Counts) counts[name] = value;
        var distributions = new JsonObject();
        foreach (var (name, distribution) in summary.Distributions)
        {
            var labels = new JsonObject();
            foreach (var (label, count) in distribution) labels[label] = count;
            distributions[name] = labels;
        }
        return new JsonObject
        {
            ["file"] = summary.Path,
            ["format"] = summary.Format.Name(),
            ["counts"] = counts,
            ["distributions"] = distributions,
        };
    }
}
