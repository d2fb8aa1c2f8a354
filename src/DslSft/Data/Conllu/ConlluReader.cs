using System.Globalization;
using DslSft.Data.Text;

namespace DslSft.Data.Conllu;

/// <summary>
/// Streams sentences from a CoNLL-U file (Universal Dependencies). Checks what the tasks rely on: ten
/// tab-separated columns, word ids 1..n in order, integer heads within 0..n. Multiword-token ranges and
/// empty nodes are skipped. Every error names the file and line and says what was expected.
/// </summary>
public static class ConlluReader
{
    public const int ColumnCount = 10;

    public static IEnumerable<ConlluSentence> Read(string path)
    {
        using var reader = new LineReader(path);
        var tokens = new List<ConlluToken>();
        string? text = null, sentId = null;
        long start = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || IsBlank(line))
            {
                if (tokens.Count > 0)
                {
                    yield return Finish(reader.Path, tokens, text, sentId, start);
                    tokens = new List<ConlluToken>();
                }
                text = sentId = null;
                start = 0;
                continue;
            }
            if (start == 0) start = reader.LineNumber;
            if (line[0] == '#')
            {
                if (TryComment(line, "text", out var value)) text = value;
                else if (TryComment(line, "sent_id", out value)) sentId = value;
                continue;
            }
            if (ParseToken(reader, line, tokens.Count) is { } token) tokens.Add(token);
        }
        if (tokens.Count > 0) yield return Finish(reader.Path, tokens, text, sentId, start);
    }

    private static bool IsBlank(string line) => string.IsNullOrWhiteSpace(line);

    private static bool TryComment(string line, string key, out string value)
    {
        // "# text = ..." (the spaces around '=' are conventional, not required).
        var body = line.AsSpan(1).TrimStart();
        value = "";
        if (!body.StartsWith(key, StringComparison.Ordinal)) return false;
        var rest = body[key.Length..].TrimStart();
        if (rest.Length == 0 || rest[0] != '=') return false;
        value = rest[1..].Trim().ToString();
        return true;
    }

    private static ConlluToken? ParseToken(LineReader reader, string line, int wordsSoFar)
    {
        var columns = line.Split('\t');
        if (columns.Length != ColumnCount)
        {
            var hint = reader.LastLineUnterminated ? " (the file may be truncated)" : "";
            throw reader.Error($"expected {ColumnCount} tab-separated columns, found {columns.Length}{hint}");
        }
        var id = columns[0];
        // Multiword-token ranges (3-4) and empty nodes (8.1) are not syntactic words.
        if (id.Contains('-') || id.Contains('.')) return null;
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            throw reader.Error($"expected an integer word id in column 1, found '{id}'");
        if (index != wordsSoFar + 1)
            throw reader.Error($"expected word id {wordsSoFar + 1} in column 1, found {index} (ids must run 1, 2, 3, ... within a sentence)");
        int? head = null;
        var headText = columns[6];
        if (headText != "_")
        {
            if (!int.TryParse(headText, NumberStyles.None, CultureInfo.InvariantCulture, out int h))
                throw reader.Error($"expected an integer head (or _) in column 7, found '{headText}'");
            head = h;
        }
        return new ConlluToken(index, columns[1], columns[2], columns[3], columns[4], columns[5], head, columns[7], columns[8], columns[9], reader.LineNumber);
    }

    private static ConlluSentence Finish(string path, List<ConlluToken> tokens, string? text, string? sentId, long start)
    {
        foreach (var token in tokens)
            if (token.Head is { } head && head > tokens.Count)
                throw new InvalidInputException($"head {head} is out of range: the sentence has {tokens.Count} words (expected 0..{tokens.Count})", path, token.Line);
        return new ConlluSentence(tokens, text, sentId, path, start);
    }
}
