using DslSft.Models.Import;
using DslSft.Tokenization;
using DslSft.IO.Formats;

namespace DslSft.Tests.Import;

/// <summary>The imported all-MiniLM-L6-v2: HF names, shapes and parameter count, bit-exact weights, config and tokenizer.</summary>
[Collection(MiniLMCollection.Name)]
public class MiniLMImportTests(MiniLMFixture fixture)
{
    [MiniLMFact]
    public void Weights_have_HF_BertModel_names_and_shapes()
    {
        var tensors = SafeTensorsFile.ReadStateDict(Path.Combine(fixture.ModelDirectory, "model.safetensors"));
        try
        {
            var expected = new Dictionary<string, long[]>
            {
                ["embeddings.word_embeddings.weight"] = [30522, 384],
                ["embeddings.position_embeddings.weight"] = [512, 384],
                ["embeddings.token_type_embeddings.weight"] = [2, 384],
                ["embeddings.LayerNorm.weight"] = [384],
                ["embeddings.LayerNorm.bias"] = [384],
                ["pooler.dense.weight"] = [384, 384],
                ["pooler.dense.bias"] = [384],
            };
            for (var layer = 0; layer < 6; layer++)
            {
                var p = $"encoder.layer.{layer}.";
                foreach (var projection in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
                {
                    expected[p + projection + ".weight"] = [384, 384];
                    expected[p + projection + ".bias"] = [384];
                }
                expected[p + "intermediate.dense.weight"] = [1536, 384];
                expected[p + "intermediate.dense.bias"] = [1536];
                expected[p + "output.dense.weight"] = [384, 1536];
                expected[p + "output.dense.bias"] = [384];
                foreach (var norm in new[] { "attention.output.LayerNorm", "output.LayerNorm" })
                {
                    expected[p + norm + ".weight"] = [384];
                    expected[p + norm + ".bias"] = [384];
                }
            }

            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), tensors.Keys.Order(StringComparer.Ordinal));
            foreach (var (name, shape) in expected) Assert.Equal(shape, tensors[name].shape);
            Assert.All(tensors.Values, t => Assert.Equal(TorchSharp.torch.ScalarType.Float32, t.dtype));
            // all-MiniLM-L6-v2 is documented as 22.7M parameters: 22,713,216 with the pooler.
            Assert.Equal(22_713_216L, tensors.Values.Sum(t => t.numel()));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    [MiniLMFact]
    public void Safetensors_header_carries_the_metadata_HF_requires()
    {
        using var file = File.OpenRead(Path.Combine(fixture.ModelDirectory, "model.safetensors"));
        var lengthBytes = new byte[8];
        file.ReadExactly(lengthBytes);
        var header = new byte[BitConverter.ToInt64(lengthBytes)];
        file.ReadExactly(header);
        using var json = System.Text.Json.JsonDocument.Parse(header);
        Assert.Equal("pt", json.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
    }

    [MiniLMFact]
    public void Every_weight_equals_its_ONNX_initializer_bit_for_bit()
    {
        var graph = OnnxModelReader.Read(fixture.OnnxBytes, "minilm.onnx");
        var tensors = SafeTensorsFile.ReadStateDict(Path.Combine(fixture.ModelDirectory, "model.safetensors"));
        try
        {
            // Named initializers must be copied unchanged under their own name.
            var named = graph.Initializers.Values.Where(t => t.DataType == OnnxDataType.Float && tensors.ContainsKey(t.Name)).ToList();
            // Per layer 4 attention biases, 2 intermediate/output biases and 2 LayerNorms (4 tensors); 5 embedding tensors; the pooler's Gemm weight + bias.
            Assert.Equal(6 * 10 + 5 + 2, named.Count);
            foreach (var initializer in named)
                Assert.Equal(initializer.ToFloats(), tensors[initializer.Name].data<float>().ToArray());

            // Each of the 36 anonymous [in, out] MatMul weights must appear exactly once, transposed, as a Linear weight.
            var anonymous = graph.Initializers.Values.Where(t => t.DataType == OnnxDataType.Float && t.Dims.Length == 2 && !tensors.ContainsKey(t.Name))
                .Select(t => (t.Name, t.Dims, Data: t.ToFloats())).ToList();
            Assert.Equal(36, anonymous.Count);
            var linearNames = tensors.Keys.Where(k => k.StartsWith("encoder.", StringComparison.Ordinal) && k.EndsWith(".weight", StringComparison.Ordinal) && tensors[k].dim() == 2).ToList();
            Assert.Equal(36, linearNames.Count);
            var matched = new HashSet<string>();
            foreach (var name in linearNames)
            {
                var transposed = tensors[name].t().contiguous().data<float>().ToArray();
                var sources = anonymous.Where(a => a.Dims[0] == tensors[name].shape[1] && a.Dims[1] == tensors[name].shape[0] && a.Data.AsSpan().SequenceEqual(transposed)).ToList();
                Assert.True(sources.Count == 1, $"{name}: {sources.Count} ONNX initializers equal its transpose");
                Assert.True(matched.Add(sources[0].Name), $"{sources[0].Name} used twice");
            }
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    [MiniLMFact]
    public void Config_and_tokenizer_are_those_of_all_MiniLM_L6_v2()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.ModelDirectory, "config.json")));
        var config = doc.RootElement;
        Assert.Equal("bert", config.GetProperty("model_type").GetString());
        Assert.Equal("BertModel", config.GetProperty("architectures")[0].GetString());
        Assert.Equal(6, config.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(384, config.GetProperty("hidden_size").GetInt32());
        Assert.Equal(12, config.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(1536, config.GetProperty("intermediate_size").GetInt32());
        Assert.Equal(30522, config.GetProperty("vocab_size").GetInt32());
        Assert.Equal(512, config.GetProperty("max_position_embeddings").GetInt32());
        Assert.Equal(2, config.GetProperty("type_vocab_size").GetInt32());
        Assert.Equal("gelu", config.GetProperty("hidden_act").GetString());
        Assert.Equal(1e-12, config.GetProperty("layer_norm_eps").GetDouble());
        Assert.Equal(0, config.GetProperty("pad_token_id").GetInt32());

        // bert-base-uncased ids, well known: [CLS]=101 hello=7592 world=2088 !=999 [SEP]=102.
        var tokenizer = TokenizerLoader.FromDirectory(fixture.ModelDirectory);
        Assert.Equal([101, 7592, 1010, 2088, 999, 102], tokenizer.Encode("Hello, WORLD!").InputIds);
        Assert.Equal(30522, tokenizer.VocabularySize);
        Assert.Equal(512, tokenizer.ModelMaxLength);
        Assert.Equal(103, tokenizer.MaskTokenId);
    }

    [MiniLMFact]
    public void A_truncated_export_is_rejected()
    {
        using var errors = new OnnxImportErrorTests();
        var onnx = fixture.OnnxBytes;
        Assert.Contains("not a valid ONNX model", errors.ImportFails(onnx[..(onnx.Length / 3)]).Message);
    }
}
