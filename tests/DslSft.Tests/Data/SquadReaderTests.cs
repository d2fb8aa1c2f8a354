using DslSft.Data.Qa;

namespace DslSft.Tests.Data;

public class SquadReaderTests
{
    private const string Squad = """
        {"version": "1.1", "data": [
          {"title": "Fox",
           "paragraphs": [
             {"context": "The quick brown fox jumps over the lazy dog.",
              "qas": [
                {"id": "q1", "question": "What jumps?",
                 "answers": [{"text": "quick brown fox", "answer_start": 4}, {"text": "fox", "answer_start": 16}]},
                {"id": "q2", "question": "Over what?",
                 "answers": [{"text": "the lazy dog", "answer_start": 31}]}
              ]}
           ]}
        ]}
        """;

    [Fact]
    public void Reads_questions_with_answers_and_lines()
    {
        using var files = new TempFiles();
        var examples = SquadReader.Read(files.Text("dev.json", Squad));
        Assert.Equal(2, examples.Count);
        Assert.Equal("q1", examples[0].Id);
        Assert.Equal("Fox", examples[0].Title);
        Assert.Equal(["quick brown fox", "fox"], examples[0].Answers.Select(a => a.Text));
        Assert.Equal(6, examples[0].Line);
        Assert.Equal(8, examples[1].Line);
    }

    [Fact]
    public void Answer_text_must_match_the_context()
    {
        using var files = new TempFiles();
        var path = files.Text("bad.json", Squad.Replace("\"answer_start\": 31", "\"answer_start\": 30"));
        var e = Assert.Throws<InvalidInputException>(() => SquadReader.Read(path));
        Assert.Equal($"{path}:9: answer text \"the lazy dog\" does not match the context at answer_start 30 (found \" the lazy do\")", e.Message);
    }

    [Fact]
    public void Answer_outside_context_is_reported()
    {
        using var files = new TempFiles();
        var path = files.Text("bad.json", Squad.Replace("\"answer_start\": 31", "\"answer_start\": 40"));
        var e = Assert.Throws<InvalidInputException>(() => SquadReader.Read(path));
        Assert.Equal($"{path}:9: answer_start 40 with length 12 lies outside the context (44 characters)", e.Message);
    }

    [Fact]
    public void Wrong_type_names_line()
    {
        using var files = new TempFiles();
        var path = files.Text("bad.json", Squad.Replace("\"answer_start\": 4}", "\"answer_start\": \"4\"}"));
        var e = Assert.Throws<InvalidInputException>(() => SquadReader.Read(path));
        Assert.Equal($"{path}:7: expected \"answer_start\" to be an integer character offset", e.Message);
    }

    [Fact]
    public void Truncated_json_is_reported()
    {
        using var files = new TempFiles();
        var path = files.Text("cut.json", Squad[..200]);
        var e = Assert.Throws<InvalidInputException>(() => SquadReader.Read(path));
        Assert.StartsWith($"{path}:", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Missing_data_array_is_reported()
    {
        using var files = new TempFiles();
        var path = files.Text("x.json", "{\"version\": \"1.1\"}");
        var e = Assert.Throws<InvalidInputException>(() => SquadReader.Read(path));
        Assert.Equal($"{path}:1: expected a top-level \"data\" array (SQuAD format)", e.Message);
    }

    [Fact]
    public void Invalid_utf8_is_an_input_error()
    {
        using var files = new TempFiles();
        var bytes = System.Text.Encoding.UTF8.GetBytes(Squad).ToList();
        int at = bytes.IndexOf((byte)'q');
        bytes.Insert(at, 0xFF);
        var path = files.Bytes("bad.json", bytes.ToArray());
        var e = Assert.Throws<InvalidInputException>(() => SquadReader.Read(path));
        Assert.Equal($"{path}:4: invalid UTF-8; the file must be UTF-8 encoded", e.Message);
    }
}
