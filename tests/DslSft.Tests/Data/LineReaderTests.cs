using System.Text;
using DslSft.Data.Text;

namespace DslSft.Tests.Data;

public class LineReaderTests
{
    [Fact]
    public void Matches_file_read_all_lines_across_buffer_boundaries()
    {
        using var files = new TempFiles();
        // Lines of many lengths (some longer than the 64 KiB buffer), multi-byte characters, CRLF and LF.
        var random = new Random(3);
        var lines = Enumerable.Range(0, 400).Select(i => new string("aé€𝄞"[random.Next(3)], random.Next(i % 50 == 0 ? 70_000 : 900))).ToList();
        var text = new StringBuilder();
        for (int i = 0; i < lines.Count; i++) text.Append(lines[i]).Append(i % 3 == 0 ? "\r\n" : "\n");
        var path = files.Text("big.txt", text.ToString());
        using var reader = new LineReader(path);
        var read = reader.ReadLines().ToList();
        Assert.Equal(File.ReadAllLines(path), read);
        Assert.Equal(lines.Count, reader.LineNumber);
        Assert.False(reader.LastLineUnterminated);
    }

    [Fact]
    public void Reports_an_unterminated_last_line()
    {
        using var files = new TempFiles();
        using var reader = new LineReader(files.Text("t.txt", "a\nb"));
        Assert.Equal(["a", "b"], reader.ReadLines());
        Assert.True(reader.LastLineUnterminated);
    }

    [Fact]
    public void Empty_lines_are_kept_and_an_empty_file_has_none()
    {
        using var files = new TempFiles();
        using (var reader = new LineReader(files.Text("e.txt", "")))
            Assert.Empty(reader.ReadLines());
        using (var reader = new LineReader(files.Text("b.txt", "\n\nx\n")))
            Assert.Equal(["", "", "x"], reader.ReadLines());
    }
}
