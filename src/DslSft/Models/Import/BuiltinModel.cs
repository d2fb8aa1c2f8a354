namespace DslSft.Models.Import;

/// <summary>
/// A pretrained model shipped inside a NuGet package as an ONNX resource plus its vocab.txt, available offline and
/// converted to an HF directory on first use (<see cref="ModelRegistry"/>).
/// </summary>
public sealed record BuiltinModel(
    string Name,
    IReadOnlyList<string> Aliases,
    string Description,
    string PackageId,
    string PackageVersion,
    string AssemblyPath,
    string OnnxResource,
    string VocabResource,
    BertImportOptions ImportOptions)
{
    /// <summary>Whether <paramref name="name"/> is this model's name or an alias (case-insensitive).</summary>
    public bool Matches(string name) =>
        string.Equals(Name, name, StringComparison.OrdinalIgnoreCase) || Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));
}
