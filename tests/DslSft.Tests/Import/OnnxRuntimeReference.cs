using DslSft.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace DslSft.Tests.Import;

/// <summary>Runs the ORIGINAL ONNX graph with ONNX Runtime (CPU, fp32): the reference our imported weights must reproduce.</summary>
public static class OnnxRuntimeReference
{
    /// <summary><c>last_hidden_state</c> [batch, length, hidden] as a flat row-major array.</summary>
    public static float[] LastHiddenState(byte[] onnx, TokenBatch batch)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(onnx, options);
        var shape = batch.InputIds.shape.Select(d => (int)d).ToArray();
        DenseTensor<long> Input(TorchSharp.torch.Tensor t) => new(t.data<long>().ToArray(), shape);
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", Input(batch.InputIds)),
            NamedOnnxValue.CreateFromTensor("attention_mask", Input(batch.AttentionMask)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", Input(batch.TokenTypeIds)),
        };
        using var results = session.Run(inputs);
        return results.Single(r => r.Name == "last_hidden_state").AsTensor<float>().ToArray();
    }
}
