using DslSft.Tests.Infrastructure;
using DslSft.Tokenization;

namespace DslSft.Tests.Tokenization;

/// <summary>Broken tokenizer files fail with <see cref="InvalidInputException"/> naming the file, never with a library exception.</summary>
public sealed class MalformedTokenizerFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dslsft-tok-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private void AssertFailsNaming(string path)
    {
        var error = Assert.Throws<InvalidInputException>(() => TokenizerLoader.FromDirectory(_dir));
        Assert.Equal(path, error.Path);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Empty_vocab_txt_is_rejected() => AssertFailsNaming(Write("vocab.txt", []));

    [Fact]
    public void Binary_vocab_txt_is_rejected() => AssertFailsNaming(Write("vocab.txt", [0xFF, 0xFE, 0x00, 0x81, 0x0A, 0xC3]));

    [Fact]
    public void Vocab_without_the_special_tokens_is_rejected()
    {
        var path = Write("vocab.txt", "hello\nworld\n"u8.ToArray());
        var error = Assert.Throws<InvalidInputException>(() => TokenizerLoader.FromDirectory(_dir));
        Assert.Equal(path, error.Path);
        Assert.Contains("vocabulary has no '[", error.Message);
    }

    [Fact]
    public void Blank_line_in_vocab_names_the_line()
    {
        var path = Write("vocab.txt", "[PAD]\n[UNK]\n\n[CLS]\n"u8.ToArray());
        var error = Assert.Throws<InvalidInputException>(() => TokenizerLoader.FromDirectory(_dir));
        Assert.Equal(path, error.Path);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Garbage_sentencepiece_model_is_rejected() =>
        AssertFailsNaming(Write("sentencepiece.bpe.model", "this is not a protobuf \u00ff\u0001\u0002"u8.ToArray().Concat(new byte[] { 0x0A, 0xFF, 0xFF }).ToArray()));

    [SharedDataFact]
    public void Truncated_sentencepiece_model_is_rejected()
    {
        var bytes = File.ReadAllBytes(SharedData.Fixture("tiny-xlmr", "sentencepiece.bpe.model"));
        AssertFailsNaming(Write("sentencepiece.bpe.model", bytes[..(bytes.Length / 2)]));
    }

    [Fact]
    public void Malformed_tokenizer_config_names_the_file()
    {
        Write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n"u8.ToArray());
        AssertFailsNaming(Write("tokenizer_config.json", "{\"do_lower_case\": tru"u8.ToArray()));
    }

    [Fact]
    public void Directory_without_tokenizer_files_is_rejected()
    {
        Write("tokenizer.json", "{}"u8.ToArray());
        var error = Assert.Throws<InvalidInputException>(() => TokenizerLoader.FromDirectory(_dir));
        Assert.Contains("tokenizer.json", error.Message);
        Assert.Equal(_dir, error.Path);
    }
}
