using System.Text.Json;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Sft;

/// <summary>The composable-sft fixtures (see ../shared/fixtures/README.md) and helpers shared by the SFT tests.</summary>
internal static class SftFixtures
{
    public static readonly string[] Names = ["lang-mlm", "task-tokcls"];

    public static string Dir(string fixture) => SharedData.Fixture("composable-sft", fixture);
    public static string DiffFile(string fixture) => Path.Combine(Dir(fixture), "pytorch_diff.bin");
    public static JsonElement Meta(string fixture) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir(fixture), "expected_meta.json"))).RootElement;

    public static Dictionary<string, Tensor> Expected(string fixture) =>
        new(SafeTensorsFile.Read(Path.Combine(Dir(fixture), "expected.safetensors")).Tensors);

    /// <summary>
    /// tiny-bert's weights as a named-parameter view. With <paramref name="tied"/>, the MLM decoder weight is the word
    /// embedding tensor itself (as in the HF model) and the decoder bias is cls.predictions.bias.
    /// </summary>
    public static Dictionary<string, Tensor> TinyBert(bool tied = true)
    {
        var parameters = new Dictionary<string, Tensor>(SafeTensorsFile.Read(SharedData.Fixture("tiny-bert", "model.safetensors")).Tensors);
        if (tied)
        {
            parameters["cls.predictions.decoder.weight"] = parameters["bert.embeddings.word_embeddings.weight"];
            parameters["cls.predictions.decoder.bias"] = parameters["cls.predictions.bias"];
        }
        return parameters;
    }

    /// <summary>tiny-bert as a BertForTokenClassification: base weights plus the fixture's classifier head.</summary>
    public static Dictionary<string, Tensor> TinyBertTokenClassifier()
    {
        var parameters = TinyBert(tied: false).Where(kv => kv.Key.StartsWith("bert.")).ToDictionary();
        foreach (var (name, t) in SafeTensorsFile.Read(SharedData.Fixture("tiny-bert", "token-classification", "head.safetensors")).Tensors)
            parameters[name] = t;
        return parameters;
    }

    public static Dictionary<string, Tensor> Clone(IReadOnlyDictionary<string, Tensor> parameters) =>
        parameters.ToDictionary(kv => kv.Key, kv => kv.Value.clone());

    /// <summary>Bitwise equality of two float32 tensors (NaN-safe, distinguishes -0 and +0).</summary>
    public static bool BitwiseEqual(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && Bits(a).SequenceEqual(Bits(b));

    private static int[] Bits(Tensor t)
    {
        using var c = t.detach().cpu().contiguous();
        return DslSft.IO.Formats.TensorBytes.ToArray<float>(c).Select(BitConverter.SingleToInt32Bits).ToArray();
    }

    public static void AssertBitwiseEqual(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, e) in expected)
            Assert.True(BitwiseEqual(e, actual[name]), $"tensor '{name}' differs");
    }

    /// <summary>Two SFTs hold the same tensors bit for bit (diff order and metadata aside).</summary>
    public static void AssertSameTensors(SparseFineTuning expected, SparseFineTuning actual)
    {
        Assert.Equal(expected.Diffs.Keys.Order(), actual.Diffs.Keys.Order());
        foreach (var (name, d) in expected.Diffs)
        {
            var a = actual.Diffs[name];
            Assert.Equal(d.Shape, a.Shape);
            var (ei, ev) = d.ToArrays();
            var (ai, av) = a.ToArrays();
            Assert.Equal(ei, ai);
            Assert.Equal(ev.Select(BitConverter.SingleToInt32Bits), av.Select(BitConverter.SingleToInt32Bits));
        }
        Assert.Equal(expected.Abs.Keys.Order(), actual.Abs.Keys.Order());
        foreach (var (name, t) in expected.Abs) Assert.True(BitwiseEqual(t, actual.Abs[name]), $"abs '{name}' differs");
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "dslsft-sft-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
