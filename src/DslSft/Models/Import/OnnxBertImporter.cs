using DslSft.IO;
using DslSft.Tokenization;
using DslSft.Models.Checkpoints;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Models.Import;

/// <summary>
/// Turns a BERT-family ONNX export (e.g. a sentence-transformers model) plus its WordPiece <c>vocab.txt</c> into an
/// HF model directory: <c>model.safetensors</c> (HF <c>BertModel</c> names), <c>config.json</c>, <c>vocab.txt</c>,
/// <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c>, written atomically.
/// </summary>
public static class OnnxBertImporter
{
    /// <summary>Imports the ONNX file <paramref name="onnxPath"/>.</summary>
    public static BertImportConfig Import(string onnxPath, string vocabPath, string outputDirectory, BertImportOptions? options = null, bool overwrite = false)
    {
        var bytes = InputFile.ReadAllBytes(onnxPath, InputFile.LargeFileLimit, "ONNX model");
        return Import(bytes, onnxPath, InputFile.ReadAllBytes(vocabPath, InputFile.SmallFileLimit, "vocabulary"), outputDirectory, options, overwrite);
    }

    /// <summary>Imports an ONNX model read from <paramref name="onnx"/>; <paramref name="source"/> names it in errors.</summary>
    public static BertImportConfig Import(Stream onnx, string source, string vocabPath, string outputDirectory, BertImportOptions? options = null, bool overwrite = false)
    {
        using var buffer = new MemoryStream();
        onnx.CopyTo(buffer);
        return Import(buffer.ToArray(), source, InputFile.ReadAllBytes(vocabPath, InputFile.SmallFileLimit, "vocabulary"), outputDirectory, options, overwrite);
    }

    /// <summary>Imports ONNX bytes and vocabulary bytes (e.g. both read from an assembly's resources).</summary>
    public static BertImportConfig Import(ReadOnlyMemory<byte> onnx, string source, byte[] vocabTxt, string outputDirectory, BertImportOptions? options = null, bool overwrite = false, IReadOnlyDictionary<string, string>? provenance = null)
    {
        options ??= new BertImportOptions();
        var weights = BertOnnxWeights.FromGraph(OnnxModelReader.Read(onnx, source), source, options);
        var config = weights.Config;
        AtomicFile.WriteDirectory(outputDirectory, temp =>
        {
            File.WriteAllBytes(Path.Combine(temp, TokenizerLoader.WordPieceVocabFile), vocabTxt);
            // Loading the tokenizer validates the vocabulary (and the special tokens it must contain).
            WriteTokenizerFiles(temp, options.DoLowerCase, options.ModelMaxLength ?? config.MaxPositionEmbeddings);
            var vocabulary = WordPieceVocabulary.Load(Path.Combine(temp, TokenizerLoader.WordPieceVocabFile));
            if (vocabulary.Count != config.VocabSize)
                throw new InvalidInputException($"vocabulary has {vocabulary.Count} tokens but the model's word embeddings have {config.VocabSize} rows", source);
            var tokenizer = TokenizerLoader.FromDirectory(temp);
            File.WriteAllText(Path.Combine(temp, "config.json"), config.ToConfigJson(tokenizer.PadTokenId));
            WriteSafetensors(Path.Combine(temp, "model.safetensors"), weights.Tensors);
            if (provenance is not null)
                File.WriteAllText(Path.Combine(temp, ProvenanceFile), System.Text.Json.JsonSerializer.Serialize(provenance, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        }, overwrite);
        return config;
    }

    /// <summary>Where an imported directory records what it was made from (source package, resource, importer).</summary>
    public const string ProvenanceFile = "dslsft-import.json";

    private static void WriteTokenizerFiles(string directory, bool doLowerCase, int modelMaxLength)
    {
        var config = new System.Text.Json.Nodes.JsonObject
        {
            ["cls_token"] = "[CLS]",
            ["do_basic_tokenize"] = true,
            ["do_lower_case"] = doLowerCase,
            ["mask_token"] = "[MASK]",
            ["model_max_length"] = modelMaxLength,
            ["never_split"] = null,
            ["pad_token"] = "[PAD]",
            ["sep_token"] = "[SEP]",
            ["strip_accents"] = null,
            ["tokenize_chinese_chars"] = true,
            ["tokenizer_class"] = "BertTokenizer",
            ["unk_token"] = "[UNK]",
        };
        var indented = new System.Text.Json.JsonSerializerOptions { WriteIndented = true };
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString(indented) + "\n");
        var specials = new System.Text.Json.Nodes.JsonObject
        {
            ["cls_token"] = "[CLS]", ["mask_token"] = "[MASK]", ["pad_token"] = "[PAD]", ["sep_token"] = "[SEP]", ["unk_token"] = "[UNK]",
        };
        File.WriteAllText(Path.Combine(directory, "special_tokens_map.json"), specials.ToJsonString(indented) + "\n");
    }

    private static void WriteSafetensors(string path, IReadOnlyList<ImportedTensor> tensors)
    {
        var stateDict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var t in tensors) stateDict[t.Name] = tensor(t.Data, t.Shape, dtype: ScalarType.Float32);
            // The shared writer adds the {"format":"pt"} metadata that HF's from_pretrained requires.
            SafeTensorsFile.WriteStateDict(path, stateDict);
        }
        finally
        {
            foreach (var t in stateDict.Values) t.Dispose();
        }
    }
}
