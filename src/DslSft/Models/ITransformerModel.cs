using DslSft.Models.Transformer;
using static TorchSharp.torch;

namespace DslSft.Models;

/// <summary>
/// A BERT-family encoder with a head, built by the architecture DSL: what the engine, the SFT code and the CLI use.
/// The parameter table (<see cref="ParameterTable.Build"/>) gives name, shape, role and offset of every parameter;
/// <see cref="HfModel"/> loads and saves HF model directories.
/// </summary>
public interface ITransformerModel : IHfModule, IDisposable
{
    TransformerConfig Config { get; }

    ModelHead Head { get; }

    /// <summary>The TorchSharp module (for train()/eval(), parameters(), moving to a device).</summary>
    nn.Module Module { get; }

    /// <summary>The encoder.</summary>
    BertModel Encoder { get; }

    /// <summary>HF attribute name of the encoder (<c>bert</c> or <c>roberta</c>): parameters under it are the maskable body.</summary>
    string BasePrefix { get; }

    /// <summary>Runs the model; the loss is computed when the batch carries this head's targets.</summary>
    ModelOutput Forward(ModelBatch batch);
}
