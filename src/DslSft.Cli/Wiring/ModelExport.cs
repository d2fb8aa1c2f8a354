using DslSft.Models;
using DslSft.Sft;
using DslSft.Sft.Operations;

namespace DslSft.Cli.Wiring;

/// <summary>
/// Base model + SFTs → a Hugging Face model directory (config.json, model.safetensors, and the base directory's
/// tokenizer files), written atomically. The head comes from the SFTs' abs tensors (<see cref="SftHead"/>) so a
/// task SFT exports as a task model; with no SFTs the base model is written as is.
/// </summary>
public static class ModelExport
{
    public sealed record Summary(string Output, string BaseDirectory, ModelHead Head, long AppliedEntries, int AbsTensors, int Tensors);

    private static readonly string[] WeightExtensions = [".safetensors", ".bin", ".pt", ".pth", ".h5", ".msgpack", ".ckpt", ".onnx"];

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
            // Applied for good: the process only writes the result, so there is nothing to revert to.
            var applied = SftOperations.Compose(sfts, parameters);
            entries = applied.DiffEntryCount;
            abs = applied.AbsTensors.Count;
        }
        var baseConfig = File.ReadAllText(Path.Combine(model.Directory, HfModel.ConfigFileName));
        OutputDirectory.Write(output, overwrite, temporary =>
        {
            HfModel.Save(model.Model, temporary, baseConfig, overwrite: false);
            foreach (var file in Directory.EnumerateFiles(model.Directory))
            {
                var name = Path.GetFileName(file);
                if (name == HfModel.ConfigFileName || WeightExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase))) continue;
                File.Copy(file, Path.Combine(temporary, name));
            }
            return 0;
        });
        return new Summary(output, model.Directory, model.Model.Head, entries, abs, model.Table.Count);
    }
}
