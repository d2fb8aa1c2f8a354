using static TorchSharp.torch;

namespace DslSft.Models;

/// <summary>
/// An empty module that only holds children, so that a member declared at <c>"attention.self.query"</c> is
/// registered as <c>attention</c> → <c>self</c> → <c>query</c> and TorchSharp's names are exactly the HF ones.
/// </summary>
public sealed class ModuleScope : nn.Module
{
    public ModuleScope(string name) : base(name)
    {
    }
}
