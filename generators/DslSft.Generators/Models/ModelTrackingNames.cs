namespace DslSft.Generators.Models
{
    /// <summary>Names of the architecture DSL's pipeline steps, so tests can assert which steps stayed cached.</summary>
    public static class ModelTrackingNames
    {
        public const string ConfigDeclarations = "Models.ConfigDeclarations";
        public const string ModelDeclarations = "Models.ModelDeclarations";
    }
}
