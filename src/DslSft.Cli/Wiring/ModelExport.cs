using System.Text.Json.Nodes;
using DslSft.Cli.Wiring.Tasks;
using DslSft.Models;
using DslSft.Sft;
using DslSft.Sft.Operations;

namespace DslSft.Cli.Wiring;

/// <summary>
/// Base model + SFTs → a Hugging Face model directory (config.json, model.safetensors, and the base directory's
/// tokenizer files, nothing else), written atomically by the library's <see cref="HfModelExport"/>. The head comes from the SFTs' abs tensors (<see cref="SftHead"/>)
/// so a task SFT exports as a task model, with its label names in config.json; with no SFTs the base model is written as is.
/// </summary>
public static class ModelExport
{
    public sealed record Summary(string Output, string BaseDirectory, ModelHead Head, long AppliedEntries, int AbsTensors, int Tensors);

    public static Summary Write(string modelName, IReadOnlyList<string> sftPaths, string output, bool overwrite)
    {
        OutputDirectory.CheckWritable(output, overwrite);
        var sfts = SftPaths.LoadAll(sftPaths);
        var (head, options) = SftHead.Infer(sfts);
        if (head is null)
        {
            // No SFT says which head: the model's own config must (a bare encoder such as all-MiniLM-L6-v2 does not).
            var config = Path.Combine(BaseModel.ResolveDirectory(modelName), HfModel.ConfigFileName);
            DslSft.Models.Transformer.TransformerConfig.FromJsonFile(config); // a malformed config.json is reported as itself, not as a missing head
            try { head = HfModel.HeadFromArchitectures(config); }
            catch (InvalidInputException)
            {
                throw new InvalidInputException("cannot tell which head to write: no --sft carries head tensors and 'architectures' names no supported head (a bare encoder)", config);
            }
        }
        using var model = BaseModel.Load(modelName, head, options);
        long entries = 0;
        int abs = 0;
        if (sfts.Count > 0)
        {
            // A language SFT trained with the decoder frozen keeps it at the base values (written untied).
            var parameters = Engine.DecoderSurgery.ForApplying(model.Model, sfts) ? ParameterTable.Build(model.Model).Tensors : model.Parameters;
            // Applied for good: the process only writes the result, so there is nothing to revert to. A language SFT's MLM
            // head is skipped when the head written is a task head, exactly as eval skips it.
            var applied = SftOperations.Compose(sfts, parameters, AppliedSfts.Options());
            entries = applied.DiffEntryCount;
            abs = applied.AbsTensors.Count;
        }
        var baseConfig = WithLabelNames(Path.Combine(model.Directory, HfModel.ConfigFileName), model.Model, TaskWirings.Recorded(sfts));
        OutputDirectory.Write(output, overwrite, temporary =>
        {
            HfModelExport.WriteInto(model.Model, temporary, baseConfig, tokenizerDirectory: model.Directory);
            return 0;
        });
        return new Summary(output, model.Directory, model.Model.Head, entries, abs, model.Table.Count);
    }

    /// <summary>
    /// The base config.json with the label names of a classifier or parser head (<see cref="ConfigLabels"/>): the task
    /// SFT's recorded label set when there is one (for the parser, its relations, with <c>num_labels</c> their number so
    /// HF reads the map whole); otherwise the base's map is kept only while it still fits the head.
    /// </summary>
    private static string WithLabelNames(string configPath, ITransformerModel model, DslSft.Tasks.LabelVocabulary? labels)
    {
        var config = ConfigJsonReader.FromFile(configPath).ToJsonObject();
        bool labelled = model.Head is ModelHead.TokenClassification or ModelHead.SequenceClassification or ModelHead.DependencyParsing;
        int size = model.Head == ModelHead.DependencyParsing ? model.Config.ParserNumRelations : model.Config.NumLabels;
        if (labelled && labels is not null && labels.Count == size)
        {
            ConfigLabels.Write(config, labels);
            if (model.Head == ModelHead.DependencyParsing) model.Config.NumLabels = labels.Count;
        }
        else if (labelled && config[ConfigLabels.Id2Label] is JsonObject map && map.Count != size)
            ConfigLabels.Remove(config);
        return config.ToJsonString();
    }
}
