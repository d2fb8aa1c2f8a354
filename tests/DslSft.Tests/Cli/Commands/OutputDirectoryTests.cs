using DslSft.Cli.Wiring;

namespace DslSft.Tests.Cli.Commands;

/// <summary>The atomic output directory every writing command goes through.</summary>
public sealed class OutputDirectoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dslsft-outdir-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_failure_while_filling_leaves_neither_output_nor_temporary_and_keeps_the_old_output()
    {
        var output = Path.Combine(_dir, "sft");
        OutputDirectory.Write(output, overwrite: false, temp => { Directory.CreateDirectory(temp); File.WriteAllText(Path.Combine(temp, "a"), "old"); return 0; });

        Assert.Throws<InvalidOperationException>(() => OutputDirectory.Write<int>(output, overwrite: true, temp =>
        {
            Directory.CreateDirectory(temp);
            File.WriteAllText(Path.Combine(temp, "a"), "half");
            throw new InvalidOperationException("boom");
        }));

        Assert.Equal("old", File.ReadAllText(Path.Combine(output, "a")));
        Assert.Equal([output], Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void An_existing_output_needs_overwrite_and_is_then_replaced_whole()
    {
        var output = Path.Combine(_dir, "sft");
        OutputDirectory.Write(output, false, temp => { Directory.CreateDirectory(temp); File.WriteAllText(Path.Combine(temp, "a"), "1"); return 0; });
        var refused = Assert.Throws<InvalidInputException>(() => OutputDirectory.Write(output, false, temp => 0));
        Assert.Contains("--overwrite", refused.Message);

        OutputDirectory.Write(output, true, temp => { Directory.CreateDirectory(temp); File.WriteAllText(Path.Combine(temp, "b"), "2"); return 0; });
        Assert.Equal(["b"], Directory.GetFiles(output).Select(Path.GetFileName));
    }
}
