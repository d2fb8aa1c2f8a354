using static TorchSharp.torch;

namespace DslSft.Tests.Import;

/// <summary>
/// A test-only BERT encoder forward written straight from the HF equations on a name → tensor dictionary, used to
/// check the importer's NAMING end to end (a swapped query/key or an untransposed weight would change the output)
/// independently of the product's model code, which has its own parity test.
/// </summary>
public static class ReferenceBertForward
{
    public static Tensor LastHiddenState(IReadOnlyDictionary<string, Tensor> w, Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, int layers, int heads, double eps)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (inputIds.shape[0], inputIds.shape[1]);
        var positions = arange(length, dtype: ScalarType.Int64).unsqueeze(0).expand(batch, length);
        var x = w["embeddings.word_embeddings.weight"][inputIds] + w["embeddings.position_embeddings.weight"][positions] + w["embeddings.token_type_embeddings.weight"][tokenTypeIds];
        x = Norm(x, w, "embeddings.LayerNorm", eps);
        var hidden = x.shape[2];
        var headDim = hidden / heads;
        // Padded keys get a large negative score, as in HF (finfo.min) and the ONNX export (-10000): either underflows to 0 after softmax.
        var keyMask = (1 - attentionMask.to_type(ScalarType.Float32)).mul(-1e9f).view(batch, 1, 1, length);
        for (var i = 0; i < layers; i++)
        {
            var p = $"encoder.layer.{i}.";
            Tensor Heads(Tensor t) => t.view(batch, length, heads, headDim).transpose(1, 2);
            var q = Heads(Linear(x, w, p + "attention.self.query"));
            var k = Heads(Linear(x, w, p + "attention.self.key"));
            var v = Heads(Linear(x, w, p + "attention.self.value"));
            var scores = q.matmul(k.transpose(-1, -2)) / Math.Sqrt(headDim) + keyMask;
            var context = scores.softmax(-1).matmul(v).transpose(1, 2).reshape(batch, length, hidden);
            var attention = Norm(Linear(context, w, p + "attention.output.dense") + x, w, p + "attention.output.LayerNorm", eps);
            var intermediate = nn.functional.gelu(Linear(attention, w, p + "intermediate.dense"));
            x = Norm(Linear(intermediate, w, p + "output.dense") + attention, w, p + "output.LayerNorm", eps);
        }
        return x.MoveToOuterDisposeScope();
    }

    private static Tensor Linear(Tensor x, IReadOnlyDictionary<string, Tensor> w, string name) =>
        x.matmul(w[name + ".weight"].t()) + w[name + ".bias"];

    private static Tensor Norm(Tensor x, IReadOnlyDictionary<string, Tensor> w, string name, double eps) =>
        nn.functional.layer_norm(x, [x.shape[^1]], w[name + ".weight"], w[name + ".bias"], eps);
}
