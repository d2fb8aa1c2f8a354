using System.Globalization;
using System.Text.RegularExpressions;

namespace DslSft.Models.Import;

/// <summary>
/// Recovers HF <c>BertModel</c> weights from the graph of a BERT-family ONNX export. Biases, LayerNorms and embeddings
/// are named initializers; Linear weights are usually anonymous <c>[in, out]</c> MatMul operands, named here by the
/// bias their MatMul's result is added to (<c>X.bias</c> → <c>X.weight</c>) and transposed to HF's <c>[out, in]</c>.
/// A Gemm with its bias input is handled the same way (respecting <c>transB</c>). The result is checked for a
/// complete, shape-consistent BERT encoder, and the configuration is read off the weights and the graph.
/// </summary>
public sealed partial class BertOnnxWeights
{
    public const string WordEmbeddings = "embeddings.word_embeddings.weight";

    /// <summary>Per-layer tensors of an HF BERT encoder layer (prefix <c>encoder.layer.{i}.</c>).</summary>
    public static readonly string[] LayerTensorSuffixes =
    [
        "attention.self.query.weight", "attention.self.query.bias",
        "attention.self.key.weight", "attention.self.key.bias",
        "attention.self.value.weight", "attention.self.value.bias",
        "attention.output.dense.weight", "attention.output.dense.bias",
        "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
        "intermediate.dense.weight", "intermediate.dense.bias",
        "output.dense.weight", "output.dense.bias",
        "output.LayerNorm.weight", "output.LayerNorm.bias",
    ];

    public static readonly string[] EmbeddingTensors =
    [
        WordEmbeddings, "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
        "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias",
    ];

    public static readonly string[] PoolerTensors = ["pooler.dense.weight", "pooler.dense.bias"];

    private BertOnnxWeights(IReadOnlyList<ImportedTensor> tensors, BertImportConfig config)
    {
        Tensors = tensors;
        Config = config;
    }

    /// <summary>The weights under HF BertModel names (no <c>bert.</c> prefix), sorted by name.</summary>
    public IReadOnlyList<ImportedTensor> Tensors { get; }

    public BertImportConfig Config { get; }

    public long ParameterCount => Tensors.Sum(t => t.ElementCount);

    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.")]
    private static partial Regex LayerIndex();

    /// <summary>Extracts the weights; <paramref name="source"/> names the ONNX file in errors.</summary>
    public static BertOnnxWeights FromGraph(OnnxGraph graph, string source, BertImportOptions? options = null)
    {
        options ??= new BertImportOptions();
        var prefix = FindPrefix(graph, source);
        var consumers = Consumers(graph);
        var tensors = new Dictionary<string, ImportedTensor>(StringComparer.Ordinal);
        var usedInitializers = new HashSet<string>(StringComparer.Ordinal);

        void Add(string hfName, OnnxTensor tensor, bool transpose)
        {
            if (!hfName.StartsWith(prefix, StringComparison.Ordinal)) return;
            var name = hfName[prefix.Length..];
            if (tensors.TryGetValue(name, out var existing) && existing.OnnxName != tensor.Name)
                throw new InvalidInputException($"two ONNX tensors ('{existing.OnnxName}' and '{tensor.Name}') both map to '{name}'", source);
            tensors[name] = Convert(name, tensor, transpose, source);
            usedInitializers.Add(tensor.Name);
        }

        // Linear layers: MatMul(x, W) followed by Add(X.bias); Gemm(x, W, X.bias).
        foreach (var node in graph.Nodes)
        {
            if (node.OpType == "MatMul" && node.Inputs.Length == 2 && graph.Initializers.TryGetValue(node.Inputs[1], out var weight) && weight.Dims.Length == 2)
            {
                var bias = consumers.GetValueOrDefault(node.Outputs[0], [])
                    .Where(c => c.OpType == "Add")
                    .SelectMany(c => c.Inputs)
                    .FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal) && graph.Initializers.ContainsKey(i));
                if (bias is null)
                    throw new InvalidInputException($"MatMul '{node.Name}' multiplies by the constant '{weight.Name}' but no Add with a named '*.bias' follows, so the weight cannot be named; is this a BERT export?", source);
                Add(bias[..^".bias".Length] + ".weight", weight, transpose: true);
            }
            else if (node.OpType == "Gemm" && node.Inputs.Length == 3 && graph.Initializers.TryGetValue(node.Inputs[1], out var gemmWeight))
            {
                if (node.Attributes.TryGetValue("transA", out var transA) && transA.Int == 1)
                    throw new InvalidInputException($"Gemm '{node.Name}' transposes its activation input; not a Linear layer", source);
                var alreadyOutIn = node.Attributes.TryGetValue("transB", out var transB) && transB.Int == 1;
                var name = gemmWeight.Name.EndsWith(".weight", StringComparison.Ordinal) ? gemmWeight.Name
                    : node.Inputs[2].EndsWith(".bias", StringComparison.Ordinal) ? node.Inputs[2][..^".bias".Length] + ".weight"
                    : throw new InvalidInputException($"Gemm '{node.Name}' has neither a named weight nor a named bias", source);
                Add(name, gemmWeight, transpose: !alreadyOutIn);
            }
        }
        // Everything else that BERT names: embeddings, biases, LayerNorm parameters (and named weights).
        foreach (var (name, tensor) in graph.Initializers)
        {
            if (usedInitializers.Contains(name) || tensor.DataType != OnnxDataType.Float || !name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var hfName = name[prefix.Length..];
            if (hfName.StartsWith("embeddings.", StringComparison.Ordinal) || hfName.StartsWith("encoder.", StringComparison.Ordinal) || hfName.StartsWith("pooler.", StringComparison.Ordinal))
                Add(name, tensor, transpose: false);
        }

        var config = InferConfig(graph, tensors, source, options);
        Validate(tensors, config, source);
        return new BertOnnxWeights(tensors.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList(), config);
    }

    // Exports of BertForX or sentence-transformers wrappers prefix the names ("bert.", "0.auto_model."); HF BertModel has none.
    private static string FindPrefix(OnnxGraph graph, string source)
    {
        var word = graph.Initializers.Keys.FirstOrDefault(k => k.EndsWith(WordEmbeddings, StringComparison.Ordinal));
        if (word is null)
        {
            var sample = string.Join(", ", graph.Initializers.Keys.Take(5));
            throw new InvalidInputException($"not a BERT-family ONNX graph: no '{WordEmbeddings}' initializer (first initializers: {sample})", source);
        }
        return word[..^WordEmbeddings.Length];
    }

    private static Dictionary<string, List<OnnxNode>> Consumers(OnnxGraph graph)
    {
        var consumers = new Dictionary<string, List<OnnxNode>>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
            foreach (var input in node.Inputs)
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                list.Add(node);
            }
        return consumers;
    }

    private static ImportedTensor Convert(string name, OnnxTensor tensor, bool transpose, string source)
    {
        if (tensor.DataType != OnnxDataType.Float)
            throw new InvalidInputException($"tensor '{tensor.Name}' ({name}) is {tensor.DataType}; only float32 exports can be imported", source);
        float[] data;
        try
        {
            data = tensor.ToFloats();
        }
        catch (FormatException e)
        {
            throw new InvalidInputException(e.Message, source, inner: e);
        }
        if (!transpose) return new ImportedTensor(name, tensor.Dims, data, tensor.Name, Transposed: false);
        if (tensor.Dims.Length != 2) throw new InvalidInputException($"Linear weight '{tensor.Name}' ({name}) has rank {tensor.Dims.Length}, expected 2", source);
        int rows = (int)tensor.Dims[0], cols = (int)tensor.Dims[1];
        var transposed = new float[data.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                transposed[(long)c * rows + r] = data[(long)r * cols + c];
        return new ImportedTensor(name, [cols, rows], transposed, tensor.Name, Transposed: true);
    }

    private static BertImportConfig InferConfig(OnnxGraph graph, Dictionary<string, ImportedTensor> tensors, string source, BertImportOptions options)
    {
        long Dim(string name, int axis) =>
            tensors.TryGetValue(name, out var t) && t.Shape.Length > axis ? t.Shape[axis] : throw new InvalidInputException($"not a complete BERT graph: '{name}' is missing", source);

        var layers = tensors.Keys.Select(k => LayerIndex().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max() + 1;
        if (layers == 0) throw new InvalidInputException("not a BERT graph: no encoder.layer.* tensors", source);
        var hidden = Dim(WordEmbeddings, 1);
        var heads = options.NumAttentionHeads ?? InferHeads(graph, hidden)
            ?? throw new InvalidInputException("cannot find the number of attention heads in the graph (no constant [.., heads, head_dim] reshape after the query projection); pass it explicitly", source);
        if (heads <= 0 || hidden % heads != 0) throw new InvalidInputException($"{heads} attention heads do not divide hidden size {hidden}", source);
        var act = options.HiddenAct ?? InferActivation(graph)
            ?? throw new InvalidInputException("cannot tell the feed-forward activation (no Erf or Relu node); pass it explicitly", source);
        return new BertImportConfig(
            VocabSize: (int)Dim(WordEmbeddings, 0),
            HiddenSize: (int)hidden,
            NumHiddenLayers: layers,
            NumAttentionHeads: heads,
            IntermediateSize: (int)Dim("encoder.layer.0.intermediate.dense.weight", 0),
            MaxPositionEmbeddings: (int)Dim("embeddings.position_embeddings.weight", 0),
            TypeVocabSize: (int)Dim("embeddings.token_type_embeddings.weight", 0),
            HiddenAct: act,
            LayerNormEps: options.LayerNormEps ?? InferLayerNormEps(graph) ?? 1e-12,
            HasPooler: tensors.ContainsKey("pooler.dense.weight"));
    }

    // The attention splits heads with Reshape(q, [batch, seq, heads, head_dim]); the last two are constants with heads * head_dim = hidden.
    private static int? InferHeads(OnnxGraph graph, long hidden)
    {
        long? Scalar(string name) => graph.Initializers.TryGetValue(name, out var t) && t.DataType == OnnxDataType.Int64 && t.ElementCount == 1 ? t.ToInt64s()[0] : null;
        var producers = graph.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n))).GroupBy(p => p.o).ToDictionary(g => g.Key, g => g.First().n);
        foreach (var reshape in graph.Nodes.Where(n => n.OpType == "Reshape" && n.Inputs.Length == 2))
        {
            long[]? shape = null;
            if (graph.Initializers.TryGetValue(reshape.Inputs[1], out var constant) && constant.DataType == OnnxDataType.Int64)
                shape = constant.ToInt64s();
            else if (producers.TryGetValue(reshape.Inputs[1], out var concat) && concat.OpType == "Concat")
                shape = concat.Inputs.Select(i => Scalar(i) ?? -1).ToArray();
            if (shape is { Length: 4 } && shape[2] > 0 && shape[3] > 0 && shape[2] * shape[3] == hidden && shape[3] > 1)
                return (int)shape[2];
        }
        return null;
    }

    private static string? InferActivation(OnnxGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            switch (node.OpType)
            {
                case "Erf": return "gelu"; // exact GELU, decomposed as x * 0.5 * (1 + erf(x / sqrt 2))
                case "Gelu": return node.Attributes.TryGetValue("approximate", out var a) && a.String == "tanh" ? "gelu_new" : "gelu";
                case "FastGelu": return "gelu_new";
                case "Relu": return "relu";
            }
        }
        return null;
    }

    // LayerNormalization's epsilon attribute, or the scalar added to the variance (ReduceMean) in the decomposed form.
    private static double? InferLayerNormEps(OnnxGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            if (node.OpType == "LayerNormalization" && node.Attributes.TryGetValue("epsilon", out var eps) && eps.Float is { } e) return RoundTrip(e);
        }
        var reduceMeans = graph.Nodes.Where(n => n.OpType == "ReduceMean").SelectMany(n => n.Outputs).ToHashSet();
        foreach (var node in graph.Nodes.Where(n => n.OpType == "Add" && n.Inputs.Length == 2 && n.Inputs.Any(reduceMeans.Contains)))
        {
            var other = node.Inputs.First(i => !reduceMeans.Contains(i));
            if (graph.Initializers.TryGetValue(other, out var t) && t.DataType == OnnxDataType.Float && t.ElementCount == 1) return RoundTrip(t.ToFloats()[0]);
        }
        return null;
    }

    // The graph stores float32; HF configs hold the decimal the user wrote (1e-12), which is the shortest float32 round-trip string.
    private static double RoundTrip(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static void Validate(Dictionary<string, ImportedTensor> tensors, BertImportConfig config, string source)
    {
        var expected = new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            [WordEmbeddings] = [config.VocabSize, config.HiddenSize],
            ["embeddings.position_embeddings.weight"] = [config.MaxPositionEmbeddings, config.HiddenSize],
            ["embeddings.token_type_embeddings.weight"] = [config.TypeVocabSize, config.HiddenSize],
            ["embeddings.LayerNorm.weight"] = [config.HiddenSize],
            ["embeddings.LayerNorm.bias"] = [config.HiddenSize],
        };
        long h = config.HiddenSize, f = config.IntermediateSize;
        for (var layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            var p = $"encoder.layer.{layer}.";
            foreach (var projection in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                expected[p + projection + ".weight"] = [h, h];
                expected[p + projection + ".bias"] = [h];
            }
            expected[p + "attention.output.LayerNorm.weight"] = [h];
            expected[p + "attention.output.LayerNorm.bias"] = [h];
            expected[p + "intermediate.dense.weight"] = [f, h];
            expected[p + "intermediate.dense.bias"] = [f];
            expected[p + "output.dense.weight"] = [h, f];
            expected[p + "output.dense.bias"] = [h];
            expected[p + "output.LayerNorm.weight"] = [h];
            expected[p + "output.LayerNorm.bias"] = [h];
        }
        if (config.HasPooler)
        {
            expected["pooler.dense.weight"] = [h, h];
            expected["pooler.dense.bias"] = [h];
        }
        var missing = expected.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidInputException($"not a complete BERT graph: {missing.Count} tensors missing (first: {string.Join(", ", missing.Take(4))})", source);
        var unexpected = tensors.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (unexpected.Count > 0)
            throw new InvalidInputException($"graph has tensors a BERT encoder does not (first: {string.Join(", ", unexpected.Take(4))}); not a plain BERT export", source);
        foreach (var (name, shape) in expected)
            if (!tensors[name].Shape.SequenceEqual(shape))
                throw new InvalidInputException($"'{name}' has shape [{string.Join(", ", tensors[name].Shape)}], expected [{string.Join(", ", shape)}]", source);
    }
}
