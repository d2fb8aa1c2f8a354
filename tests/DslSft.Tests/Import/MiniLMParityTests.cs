using DslSft.Models;
using DslSft.Tokenization;
using DslSft.IO.Formats;
using static TorchSharp.torch;

namespace DslSft.Tests.Import;

/// <summary>
/// The imported all-MiniLM-L6-v2 must reproduce ONNX Runtime's <c>last_hidden_state</c> on the original graph to within
/// 1e-4 (max absolute difference) on a padded batch of sentences in several languages.
/// </summary>
[Collection(MiniLMCollection.Name)]
public class MiniLMParityTests(MiniLMFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    public const double Tolerance = 1e-4;

    public static readonly string[] Sentences =
    [
        "The quick brown fox jumps over the lazy dog.",
        "Der schnelle braune Fuchs springt über den faulen Hund.",
        "Il-kelb ta' Ġużeppi jaqbeż!? Unbelievably, xyzzy (42) naïve café...",
        "Le vif renard brun saute par-dessus le chien paresseux.",
        "El veloz zorro marrón salta sobre el perro perezoso.",
        "東京は日本の首都です。",
    ];

    /// <summary>The test batch, padded to the longest sentence, as our tokenizer builds it from the imported directory.</summary>
    public static TokenBatch Batch(string modelDirectory) => TokenizerLoader.FromDirectory(modelDirectory).EncodeBatch(Sentences);

    /// <summary>Max |a - b| over the positions where the attention mask is 1 (HF and ONNX also agree on padded positions, but they carry no meaning).</summary>
    public static double MaxAbsDifferenceOnTokens(float[] expected, Tensor actual, Tensor attentionMask)
    {
        var hidden = actual.shape[^1];
        var mask = attentionMask.data<long>().ToArray();
        var values = actual.contiguous().data<float>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        double max = 0;
        for (var position = 0; position < mask.Length; position++)
        {
            if (mask[position] == 0) continue;
            for (var h = 0; h < hidden; h++)
                max = Math.Max(max, Math.Abs(expected[position * hidden + h] - values[position * hidden + h]));
        }
        return max;
    }

    [MiniLMFact]
    public void Imported_weights_reproduce_ONNX_Runtime_through_an_independent_forward()
    {
        using var batch = Batch(fixture.ModelDirectory);
        Assert.True(batch.AttentionMask.sum().item<long>() < batch.AttentionMask.numel(), "the batch should contain padding");
        var expected = fixture.OnnxRuntimeHiddenStateOfParityBatch();

        var weights = SafeTensorsFile.ReadStateDict(Path.Combine(fixture.ModelDirectory, "model.safetensors"));
        try
        {
            using var _ = no_grad();
            using var actual = ReferenceBertForward.LastHiddenState(weights, batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, layers: 6, heads: 12, eps: 1e-12);
            var difference = MaxAbsDifferenceOnTokens(expected, actual, batch.AttentionMask);
            output.WriteLine($"batch {string.Join("x", batch.InputIds.shape)}: max |ONNX Runtime - reference forward on imported weights| = {difference:E2}");
            Assert.True(difference <= Tolerance, $"max |ONNX Runtime - imported| = {difference:E2} > {Tolerance:E0}");
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    [MiniLMFact]
    public void Product_BERT_model_loaded_from_the_imported_directory_reproduces_ONNX_Runtime()
    {
        using var batch = Batch(fixture.ModelDirectory);
        var expected = fixture.OnnxRuntimeHiddenStateOfParityBatch();

        // A sequence-classification head uses the pooler, so every imported tensor has a place; only the new classifier is missing.
        var loaded = HfModel.Load(fixture.ModelDirectory, ModelHead.SequenceClassification, new HfLoadOptions { NumLabels = 2 });
        using var model = loaded.Model;
        Assert.Empty(loaded.Report.Unexpected);
        Assert.All(loaded.Report.Missing, name => Assert.StartsWith("classifier.", name));
        Assert.Equal(103, loaded.Report.Loaded.Count);
        model.Module.eval();

        using var _ = no_grad();
        using var actual = model.Encoder.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
        var difference = MaxAbsDifferenceOnTokens(expected, actual, batch.AttentionMask);
        output.WriteLine($"batch {string.Join("x", batch.InputIds.shape)}: max |ONNX Runtime - DslSft BertModel| = {difference:E2}");
        Assert.True(difference <= Tolerance, $"max |ONNX Runtime - DslSft BertModel| = {difference:E2} > {Tolerance:E0}");
    }
}
