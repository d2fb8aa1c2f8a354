namespace DslSft.Generators.Models
{
    /// <summary>Metadata names of the public DSL attributes (src/DslSft/Dsl/Models) and the TorchSharp types they relate to.</summary>
    internal static class ModelAttributeNames
    {
        public const string Namespace = "DslSft.Dsl.Models";
        public const string ModelConfig = Namespace + ".ModelConfigAttribute";
        public const string ConfigKey = Namespace + ".ConfigKeyAttribute";
        public const string Model = Namespace + ".ModelAttribute";
        public const string Linear = Namespace + ".LinearAttribute";
        public const string Embedding = Namespace + ".EmbeddingAttribute";
        public const string LayerNorm = Namespace + ".LayerNormAttribute";
        public const string Parameter = Namespace + ".ParameterAttribute";
        public const string Block = Namespace + ".BlockAttribute";
        public const string Repeated = Namespace + ".RepeatedAttribute";

        public const string TorchModule = "TorchSharp.torch.nn.Module";
        public const string TorchLinear = "TorchSharp.Modules.Linear";
        public const string TorchEmbedding = "TorchSharp.Modules.Embedding";
        public const string TorchLayerNorm = "TorchSharp.Modules.LayerNorm";
        public const string TorchParameter = "TorchSharp.Modules.Parameter";
        public const string TorchModuleList = "TorchSharp.Modules.ModuleList";
    }
}
