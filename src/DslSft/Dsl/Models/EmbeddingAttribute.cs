namespace DslSft.Dsl.Models;

/// <summary>An <c>Embedding</c> table (<c>weight [Count, Dim]</c>) on a <c>partial Embedding</c> property.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class EmbeddingAttribute : ModelMemberAttribute
{
    public EmbeddingAttribute(string path, string count, string dim) : base(path)
    {
        Count = count;
        Dim = dim;
    }

    /// <summary>Number of rows (vocabulary size, positions, token types).</summary>
    public string Count { get; }

    /// <summary>Embedding width.</summary>
    public string Dim { get; }
}
