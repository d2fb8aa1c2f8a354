using DslSft.Models.Import;

namespace DslSft.Tests.Import;

/// <summary>Inputs that are not BERT ONNX exports fail with <see cref="InvalidInputException"/> naming the source.</summary>
public sealed class OnnxImportErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dslsft-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Vocab()
    {
        var path = Path.Combine(_dir, "vocab.txt");
        File.WriteAllText(path, "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n");
        return path;
    }

    /// <summary>Writes <paramref name="onnx"/> to a file, imports it, and checks the failure names that file and leaves no output.</summary>
    public InvalidInputException ImportFails(byte[] onnx)
    {
        var path = Path.Combine(_dir, "model.onnx");
        File.WriteAllBytes(path, onnx);
        var error = Assert.Throws<InvalidInputException>(() => OnnxBertImporter.Import(path, Vocab(), Path.Combine(_dir, "out")));
        Assert.Equal(path, error.Path);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")), "a failed import must not leave an output directory");
        return error;
    }

    [Fact]
    public void Garbage_is_not_an_ONNX_model() =>
        Assert.Contains("not a valid ONNX model", ImportFails([0x3A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]).Message);

    [Fact]
    public void A_model_without_a_graph_is_rejected() =>
        Assert.Contains("no graph", ImportFails(OnnxBytes.Model(graph: null)).Message);

    [Fact]
    public void A_non_BERT_graph_is_rejected()
    {
        // y = x @ W + b with W named "fc.weight": a valid ONNX graph, but no BERT embeddings.
        var graph = OnnxBytes.Graph(
            nodes: [OnnxBytes.Node("MatMul", ["x", "fc.weight"], ["h"]), OnnxBytes.Node("Add", ["h", "fc.bias"], ["y"])],
            initializers: [OnnxBytes.FloatTensor("fc.weight", [2, 2], [1, 2, 3, 4]), OnnxBytes.FloatTensor("fc.bias", [2], [0, 0])]);
        var error = ImportFails(OnnxBytes.Model(graph));
        Assert.Contains("not a BERT-family ONNX graph", error.Message);
        Assert.Contains("fc.weight", error.Message);
    }

    [Fact]
    public void Embeddings_without_encoder_layers_are_rejected()
    {
        var graph = OnnxBytes.Graph(nodes: [], initializers: [OnnxBytes.FloatTensor("embeddings.word_embeddings.weight", [6, 2], new float[12])]);
        Assert.Contains("no encoder.layer", ImportFails(OnnxBytes.Model(graph)).Message);
    }

    [Fact]
    public void An_unnamable_MatMul_weight_is_rejected()
    {
        var graph = OnnxBytes.Graph(
            nodes: [OnnxBytes.Node("MatMul", ["x", "W"], ["y"], name: "MatMul_7")],
            initializers: [OnnxBytes.FloatTensor("embeddings.word_embeddings.weight", [6, 2], new float[12]), OnnxBytes.FloatTensor("W", [2, 2], [1, 2, 3, 4])]);
        var error = ImportFails(OnnxBytes.Model(graph));
        Assert.Contains("MatMul_7", error.Message);
    }

    [Fact]
    public void Missing_resource_names_the_assembly()
    {
        var assembly = typeof(OnnxImportErrorTests).Assembly.Location;
        var error = Assert.Throws<InvalidInputException>(() => AssemblyResourceReader.Read(assembly, "no.such.resource"));
        Assert.Equal(assembly, error.Path);
        var notAssembly = Path.Combine(_dir, "fake.dll");
        File.WriteAllBytes(notAssembly, [1, 2, 3, 4, 5]);
        Assert.Equal(notAssembly, Assert.Throws<InvalidInputException>(() => AssemblyResourceReader.List(notAssembly)).Path);
    }
}
