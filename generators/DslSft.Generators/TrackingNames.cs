namespace DslSft.Generators
{
    /// <summary>Names of incremental pipeline steps, so tests can assert which steps stayed cached.</summary>
    public static class TrackingNames
    {
    }
}
