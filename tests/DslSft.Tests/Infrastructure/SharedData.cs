namespace DslSft.Tests.Infrastructure;

/// <summary>
/// Locates the read-only <c>shared/</c> folder (UD treebanks, reference fixtures) that sits beside the
/// repository (<c>../shared</c>). It is never copied into the repository. Override with DSLSFT_SHARED.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> Root = new(Find);

    /// <summary>The shared folder, or null when it is absent (tests that need it are skipped).</summary>
    public static string? Directory => Root.Value;

    public const string MissingReason = "needs ../shared (UD treebanks and reference fixtures) beside the repository; set DSLSFT_SHARED to point elsewhere";

    /// <summary>Path under shared/, e.g. <c>Path("fixtures", "tiny-bert")</c>. Throws when shared/ is absent.</summary>
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([Directory ?? throw new InvalidOperationException(MissingReason), .. parts]);

    /// <summary>The UD treebank file, e.g. <c>Ud("en_ewt-ud-dev.conllu")</c>.</summary>
    public static string Ud(string file) => Path("data", "ud", file);

    /// <summary>A fixture folder or file, e.g. <c>Fixture("tiny-bert", "config.json")</c>.</summary>
    public static string Fixture(params string[] parts) => Path(["fixtures", .. parts]);

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("DSLSFT_SHARED");
        if (!string.IsNullOrEmpty(env)) return System.IO.Directory.Exists(env) ? env : null;
        foreach (var start in new[] { AppContext.BaseDirectory, System.IO.Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "shared");
                if (System.IO.Directory.Exists(System.IO.Path.Combine(candidate, "fixtures")) ||
                    System.IO.Directory.Exists(System.IO.Path.Combine(candidate, "data")))
                    return candidate;
            }
        }
        return null;
    }
}

/// <summary>A fact that is skipped, with a clear reason, when ../shared is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (SharedData.Directory is null) Skip = SharedData.MissingReason;
    }
}

/// <summary>A theory that is skipped, with a clear reason, when ../shared is absent.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute()
    {
        if (SharedData.Directory is null) Skip = SharedData.MissingReason;
    }
}
