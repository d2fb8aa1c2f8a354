using DslSft.Cli.Wiring;
using DslSft.Sft;
using DslSft.Sft.Formats;
using static TorchSharp.torch;

namespace DslSft.Tests.Cli.Commands;

/// <summary>`dslsft inspect` on a hand-built SFT whose counts per tensor, per layer and per group are known in advance.</summary>
public sealed class InspectCommandTests : CliCommandTest
{
    /// <summary>
    /// K = 20: embeddings 6 (word 5 + LayerNorm 1), layer 0 4 (query 3, ffn out bias 1), layer 1 8 (ffn in), heads 2.
    /// </summary>
    private string HandBuilt()
    {
        var diffs = new Dictionary<string, SparseDiff>
        {
            ["bert.embeddings.word_embeddings.weight"] = SparseDiff.FromArrays([10, 4], [0, 3, 7, 20, 39], [1f, 1f, 1f, 1f, 1f]),
            ["bert.embeddings.LayerNorm.weight"] = SparseDiff.FromArrays([4], [2], [0.5f]),
            ["bert.encoder.layer.0.attention.self.query.weight"] = SparseDiff.FromArrays([4, 4], [0, 5, 10], [1f, 2f, 3f]),
            ["bert.encoder.layer.0.output.dense.bias"] = SparseDiff.FromArrays([4], [1], [1f]),
            ["bert.encoder.layer.1.intermediate.dense.weight"] = SparseDiff.FromArrays([4, 4], [0, 1, 2, 3, 4, 5, 6, 7], [1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f]),
            ["classifier.weight"] = SparseDiff.FromArrays([2, 4], [0, 7], [1f, -1f]),
        };
        var sft = new SparseFineTuning(diffs, new Dictionary<string, Tensor> { ["classifier.bias"] = zeros(2) }, new SftMetadata { Method = "hand" });
        var dir = Files.PathOf("sft");
        Directory.CreateDirectory(dir);
        SftFile.Save(sft, Path.Combine(dir, SftPaths.SftFileName));
        return dir;
    }

    [Fact]
    public void Reports_K_per_group_with_totals_and_shares_in_the_table_and_json()
    {
        var sft = HandBuilt();
        var json = DslSft.Tests.Cli.CliRunner.Succeed("inspect", sft, "--json", "-").Json();
        Assert.Equal(20L, (long)json["k"]!);
        var rows = json["layers"]!["rows"]!.AsArray();
        Assert.Equal(["embeddings", "layer 0", "layer 1", "heads"], rows.Select(row => (string)row!["layer"]!));
        Assert.Equal([6L, 4L, 8L, 2L], rows.Select(row => (long)row!["total"]!));
        Assert.Equal([0.3, 0.2, 0.4, 0.1], rows.Select(row => Math.Round((double)row!["share"]!, 12)));
        // Cells: layer 0's query 3 and ffn out 1; a kind a row lacks is empty (null), not 0.
        Assert.Equal(3L, (long)rows[1]!["query"]!);
        Assert.Equal(1L, (long)rows[1]!["ffn out"]!);
        Assert.Null(rows[1]!["key"]);
        Assert.Equal(6L, (long)rows[0]!["other"]!);
        Assert.Null(rows[0]!["query"]);
    }
}
