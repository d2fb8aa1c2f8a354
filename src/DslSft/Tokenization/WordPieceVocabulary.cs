using System.Text;

namespace DslSft.Tokenization;

/// <summary>
/// A WordPiece <c>vocab.txt</c>: one token per line, id = 0-based line number (HF's <c>load_vocab</c>; only the
/// line break is stripped, so a token may contain spaces). Validated on load so that a wrong file fails with its name.
/// </summary>
public sealed class WordPieceVocabulary
{
    private readonly Dictionary<string, int> _ids;

    private WordPieceVocabulary(string path, string[] tokens)
    {
        Path = path;
        Tokens = tokens;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        // A repeated token maps to its last line, as in HF (its dict assignment overwrites).
        for (var i = 0; i < tokens.Length; i++) _ids[tokens[i]] = i;
    }

    public string Path { get; }
    public IReadOnlyList<string> Tokens { get; }
    public int Count => Tokens.Count;

    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    /// <summary>The id of a token the tokenizer cannot work without; fails naming the file when it is missing.</summary>
    public int RequireId(string token) =>
        _ids.TryGetValue(token, out var id) ? id : throw new InvalidInputException($"vocabulary has no '{token}' token, which the tokenizer configuration requires", Path);

    public static WordPieceVocabulary Load(string path)
    {
        var bytes = IO.InputFile.ReadAllBytes(path, IO.InputFile.SmallFileLimit, "WordPiece vocabulary");
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidInputException("WordPiece vocabulary is not valid UTF-8 text (is this really a vocab.txt?)", path, inner: e);
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        var lines = text.Split('\n');
        // A final newline does not start another token.
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        if (count == 0) throw new InvalidInputException("WordPiece vocabulary is empty", path);
        var tokens = new string[count];
        for (var i = 0; i < count; i++)
        {
            var token = lines[i].TrimEnd('\r');
            if (token.Length == 0) throw new InvalidInputException("empty token in WordPiece vocabulary", path, i + 1);
            if (token.Contains('\0')) throw new InvalidInputException("NUL character in WordPiece vocabulary (binary file?)", path, i + 1);
            tokens[i] = token;
        }
        return new WordPieceVocabulary(path, tokens);
    }

    /// <summary>The vocabulary as vocab.txt bytes, to hand to Microsoft.ML.Tokenizers.</summary>
    internal MemoryStream ToStream() => new(Encoding.UTF8.GetBytes(string.Join('\n', Tokens) + "\n"));
}
