using DslSft.Models;
using DslSft.Models.Checkpoints;
using DslSft.Models.Transformer;
using DslSft.Tests.Infrastructure;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Models;

/// <summary>Bad model directories give <see cref="InvalidInputException"/> naming the file and the key or tensor, never a crash.</summary>
public sealed class ModelInputErrorTests : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("dslsft-models-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    private string CopyFixture(string fixture)
    {
        var dir = Path.Combine(temp, fixture);
        Directory.CreateDirectory(dir);
        foreach (var file in new[] { "config.json", "model.safetensors" })
            File.Copy(SharedData.Fixture(fixture, file), Path.Combine(dir, file));
        return dir;
    }

    [Fact]
    public void Malformed_json_names_the_file_and_line()
    {
        var path = Path.Combine(temp, "config.json");
        File.WriteAllText(path, "{\n  \"hidden_size\": 32,\n  \"vocab_size\": \n}");
        var error = Assert.Throws<InvalidInputException>(() => TransformerConfig.FromJsonFile(path));
        Assert.Equal(path, error.Path);
        Assert.Contains("malformed JSON", error.Message);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void Missing_and_mistyped_keys_are_all_named()
    {
        var error = Assert.Throws<InvalidInputException>(() => TransformerConfig.FromJson(
            """{"vocab_size": "many", "hidden_size": 30, "num_attention_heads": 4, "intermediate_size": 0, "layer_norm_eps": 1e-5}""", "dir/config.json"));
        Assert.StartsWith("dir/config.json: ", error.Message);
        Assert.Contains("key 'vocab_size': expected a 32-bit integer, found \"many\"", error.Message);
        Assert.Contains("key 'num_hidden_layers': missing (required", error.Message);
        Assert.Contains("key 'intermediate_size': must be at least 1, found 0", error.Message);
        Assert.Contains("key 'hidden_size': 30 is not a multiple of num_attention_heads (4)", error.Message);
    }

    [Fact]
    public void Defaults_and_id2label_counts_apply_when_keys_are_absent()
    {
        var config = TransformerConfig.FromJson(
            """{"vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "id2label": {"0": "A", "1": "B", "2": "C", "3": "D"}, "classifier_dropout": null}""", "config.json");
        Assert.Equal(4, config.NumLabels);
        Assert.Equal(1e-12, config.LayerNormEps);
        Assert.Equal(512, config.MaxPositionEmbeddings);
        Assert.Null(config.ClassifierDropout);
        Assert.Equal(0.1, config.EffectiveClassifierDropout);
        Assert.Equal("bert", config.BaseModelPrefix);
    }

    [SharedDataFact]
    public void Truncated_safetensors_names_the_file_and_the_tensor()
    {
        var dir = CopyFixture("tiny-bert");
        var weights = Path.Combine(dir, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length - 100)]);
        var error = Assert.Throws<InvalidInputException>(() => HfModel.Load(dir, ModelHead.MaskedLM));
        Assert.Equal(weights, error.Path);
        // Tensors are stored sorted by name, so the last one is cut.
        Assert.Contains("truncated: tensor 'cls.predictions.transform.dense.weight'", error.Message);
    }

    [SharedDataFact]
    public void Model_weights_get_the_format_layers_header_checks()
    {
        // The one safetensors reader: a header the old model-only reader let through (a key that appears twice,
        // non-string metadata) is refused naming the file, and an offsets/shape mismatch names the tensor.
        var dir = CopyFixture("tiny-bert");
        var weights = Path.Combine(dir, "model.safetensors");
        WriteRaw(weights, """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", new byte[4]);
        var duplicate = Assert.Throws<InvalidInputException>(() => HfModel.Load(dir, ModelHead.MaskedLM));
        Assert.Equal(weights, duplicate.Path);
        Assert.Contains("not valid JSON", duplicate.Message);

        WriteRaw(weights, """{"__metadata__":{"format":1},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", new byte[4]);
        Assert.Contains("__metadata__ entry 'format' is not a string", Assert.Throws<InvalidInputException>(() => HfModel.Load(dir, ModelHead.MaskedLM)).Message);

        WriteRaw(weights, """{"bert.w":{"dtype":"BF16","shape":[3],"data_offsets":[0,4]}}""", new byte[4]);
        var mismatch = Assert.Throws<InvalidInputException>(() => HfModel.Load(dir, ModelHead.MaskedLM));
        Assert.Contains("tensor 'bert.w'", mismatch.Message);
        Assert.Contains("needs 6", mismatch.Message);
    }

    [SharedDataFact]
    public void Bfloat16_and_float16_weights_load_as_float32()
    {
        var dir = CopyFixture("tiny-bert");
        var weights = Path.Combine(dir, "model.safetensors");
        var tensors = SafeTensorsFile.ReadStateDict(weights);
        var reference = tensors.Where(kv => kv.Value.is_floating_point()).ToDictionary(kv => kv.Key, kv => kv.Value.to(bfloat16).to(float32));
        SafeTensorsFile.WriteStateDict(weights, tensors.Select(kv => KeyValuePair.Create(kv.Key,
            kv.Value.is_floating_point() ? kv.Value.to(kv.Key.Contains("bias") ? float16 : bfloat16) : kv.Value)));
        Assert.Contains(SafeTensorsFile.Read(weights).Tensors.Values, t => t.dtype == ScalarType.BFloat16);
        var loaded = HfModel.Load(dir, ModelHead.MaskedLM);
        Assert.True(loaded.Report.IsComplete, loaded.Report.ToString());
        var table = ParameterTable.Build(loaded.Model).Tensors;
        foreach (var (name, value) in reference)
            if (!name.Contains("bias")) Assert.True(table[name].equal(value).all().item<bool>(), name);
        loaded.Model.Dispose();
    }

    private static void WriteRaw(string path, string header, byte[] data)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)bytes.Length), .. bytes, .. data]);
    }

    [SharedDataFact]
    public void A_file_that_is_not_safetensors_is_rejected_cleanly()
    {
        var path = Path.Combine(temp, "model.safetensors");
        File.WriteAllText(path, "hello");
        var error = Assert.Throws<InvalidInputException>(() => SafeTensorsFile.ReadStateDict(path));
        Assert.Equal(path, error.Path);
    }

    [SharedDataFact]
    public void Truncated_pytorch_zip_is_rejected_cleanly()
    {
        var path = Path.Combine(temp, "pytorch_model.bin");
        var bytes = File.ReadAllBytes(SharedData.Fixture("tiny-bert", "pytorch_model.bin"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InvalidInputException>(() => PyTorchCheckpointFile.Read(path));
        Assert.Equal(path, error.Path);
    }

    [SharedDataFact]
    public void Pytorch_checkpoints_are_read_by_the_restricted_unpickler()
    {
        // The same tensors as the safetensors file, through the one torch.save reader.
        var fromBin = PyTorchCheckpointFile.Read(SharedData.Fixture("tiny-bert", "pytorch_model.bin"));
        var fromSafetensors = SafeTensorsFile.ReadStateDict(SharedData.Fixture("tiny-bert", "model.safetensors"));
        foreach (var (name, value) in fromSafetensors)
            Assert.True(value.equal(fromBin[name]).all().item<bool>(), name);

        // A global outside the allow-list is refused before anything could run, naming the file.
        var path = Path.Combine(temp, "pytorch_model.bin");
        File.Copy(SharedData.Fixture("tiny-bert", "pytorch_model.bin"), path);
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
            byte[] pickle;
            using (var stream = entry.Open()) { var buffer = new MemoryStream(); stream.CopyTo(buffer); pickle = buffer.ToArray(); }
            var text = System.Text.Encoding.Latin1.GetString(pickle).Replace("collections\nOrderedDict\n", "os\nsystem\n");
            var name = entry.FullName;
            entry.Delete();
            using var replaced = zip.CreateEntry(name, System.IO.Compression.CompressionLevel.NoCompression).Open();
            replaced.Write(System.Text.Encoding.Latin1.GetBytes(text));
        }
        var error = Assert.Throws<InvalidInputException>(() => PyTorchCheckpointFile.Read(path));
        Assert.Equal($"{path}:pytorch_model/data.pkl", error.Path); // the file and its member
        Assert.Contains("pickle global 'os.system' is not allowed", error.Message);
    }

    [SharedDataFact]
    public void Shape_mismatch_names_the_tensor_and_both_shapes()
    {
        var dir = CopyFixture("tiny-bert");
        var configPath = Path.Combine(dir, "config.json");
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"intermediate_size\": 64", "\"intermediate_size\": 48"));
        var error = Assert.Throws<InvalidInputException>(() => HfModel.Load(dir, ModelHead.MaskedLM));
        Assert.Equal(Path.Combine(dir, "model.safetensors"), error.Path);
        Assert.Contains("tensor 'bert.encoder.layer.0.intermediate.dense.weight' has shape [64, 32], but the model built from config.json expects [48, 32]", error.Message);
    }

    [SharedDataFact]
    public void Missing_encoder_tensors_are_an_error_but_missing_head_tensors_are_reported()
    {
        var dir = CopyFixture("tiny-bert");
        var tensors = SafeTensorsFile.ReadStateDict(Path.Combine(dir, "model.safetensors"));
        tensors.Remove("bert.encoder.layer.1.output.dense.weight");
        SafeTensorsFile.WriteStateDict(Path.Combine(dir, "model.safetensors"), tensors);
        var error = Assert.Throws<InvalidInputException>(() => HfModel.Load(dir, ModelHead.MaskedLM));
        Assert.Contains("bert.encoder.layer.1.output.dense.weight", error.Message);

        tensors = SafeTensorsFile.ReadStateDict(SharedData.Fixture("tiny-bert", "model.safetensors"));
        tensors.Remove("cls.predictions.transform.dense.bias");
        SafeTensorsFile.WriteStateDict(Path.Combine(dir, "model.safetensors"), tensors);
        var loaded = HfModel.Load(dir, ModelHead.MaskedLM);
        Assert.Equal(["cls.predictions.transform.dense.bias"], loaded.Report.Missing);
        loaded.Model.Dispose();
    }

    [Fact]
    public void A_directory_without_weights_is_named()
    {
        File.WriteAllText(Path.Combine(temp, "config.json"),
            """{"vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "architectures": ["BertForMaskedLM"]}""");
        var error = Assert.Throws<InvalidInputException>(() => HfModel.Load(temp));
        Assert.Equal(temp, error.Path);
        Assert.Contains("neither model.safetensors nor pytorch_model.bin", error.Message);
    }
}
