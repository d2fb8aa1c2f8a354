using DslSft.Data.Text;
using DslSft.Tests.Infrastructure;
using static DslSft.Tests.Data.FakeSubwordEncoder;

namespace DslSft.Tests.Data;

public class RawTextTests
{
    [Fact]
    public void Held_out_split_takes_the_first_percent_rounding_half_to_even()
    {
        using var files = new TempFiles();
        var path = files.Text("t.txt", string.Join("\n", Enumerable.Range(0, 10).Select(i => $"line {i}")) + "\n\n  \n");
        var split = RawTextReader.Split(path, 25);   // 2.5 → 2 (Python round)
        Assert.Equal((8, 2), (split.TrainCount, split.HeldOutCount));
        Assert.Equal(["line 0", "line 1"], split.HeldOut);
        Assert.Equal("line 2", split.Train.First());
        Assert.Equal(8, split.Train.Count());
    }

    [SharedDataFact]
    public void Conllu_files_yield_their_text_lines()
    {
        var lines = RawTextReader.Read(SharedData.Ud("mt_mudt-ud-dev.conllu")).ToList();
        Assert.Equal(433, lines.Count);
        Assert.All(lines, l => Assert.False(string.IsNullOrWhiteSpace(l)));
    }

    [Fact]
    public void Packing_concatenates_framed_lines_into_full_blocks()
    {
        var builder = new MlmSequenceBuilder(new FakeSubwordEncoder(pieceLength: 1), maxLength: 4);
        // Framed: [CLS] a b [SEP] [CLS] c [SEP] [CLS] d e f [SEP] = 12 tokens... minus none: 3 blocks of 4.
        var blocks = builder.Pack(["ab", "c", "def"]).ToList();
        Assert.Equal(3, blocks.Count);
        Assert.Equal([101, PieceId("a"), PieceId("b"), 102], blocks[0].InputIds);
        Assert.Equal([101, PieceId("c"), 102, 101], blocks[1].InputIds);
        Assert.Equal([true, false, true, true], blocks[1].SpecialTokensMask);
        Assert.Equal(0, builder.DroppedTokens);
        Assert.Empty(builder.Pack(["x"]));
        Assert.Equal(3, builder.DroppedTokens);
    }

    [Fact]
    public void Line_by_line_truncates_long_lines()
    {
        var builder = new MlmSequenceBuilder(new FakeSubwordEncoder(pieceLength: 1), maxLength: 4);
        var sequences = builder.LineByLine(["abcdef", "a"]).ToList();
        Assert.Equal([101, PieceId("a"), PieceId("b"), 102], sequences[0].InputIds);
        Assert.Equal([101, PieceId("a"), 102], sequences[1].InputIds);
        Assert.Equal(1, builder.TruncatedLines);
    }

    [Fact]
    public void Invalid_utf8_in_text_is_reported_with_line()
    {
        using var files = new TempFiles();
        var path = files.Bytes("bad.txt", [.. "ok\nalso ok\nbad "u8.ToArray(), 0xFF, .. "\n"u8.ToArray()]);
        var e = Assert.Throws<InvalidInputException>(() => RawTextReader.Read(path).ToList());
        Assert.Equal($"{path}:3: invalid UTF-8 (byte 0xFF at column 5); the file must be UTF-8 encoded", e.Message);
    }
}
