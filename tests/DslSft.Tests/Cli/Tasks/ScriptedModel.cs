using DslSft.Models;
using DslSft.Models.Transformer;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Tests.Cli.Tasks;

/// <summary>
/// A stand-in for a trained head: it answers each forward pass with scores the test writes, so that a task's scoring
/// (slicing the outputs per example, decoding, aggregating) can be checked against hand-computed metrics.
/// </summary>
internal sealed class ScriptedModel(ModelHead head, Func<ModelBatch, ModelOutput> script) : nn.Module<ModelBatch, ModelOutput>("scripted"), ITransformerModel
{
    public override ModelOutput forward(ModelBatch batch) => script(batch);

    public ModelOutput Forward(ModelBatch batch) => script(batch);

    public TransformerConfig Config { get; } = new();

    public ModelHead Head => head;

    public nn.Module Module => this;

    public BertModel Encoder => throw new NotSupportedException("a scripted model has no encoder");

    public string BasePrefix => "bert";

    public IReadOnlyList<ParameterSpec> DescribeParameters(string prefix = "") => [];

    public IEnumerable<KeyValuePair<string, Parameter>> HfParameters(string prefix = "") => [];

    public void TieParameters() { }
}
