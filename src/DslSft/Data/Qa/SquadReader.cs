using System.Text;
using System.Text.Json;

namespace DslSft.Data.Qa;

/// <summary>
/// Reads SQuAD-format JSON (<c>{"data": [{"title", "paragraphs": [{"context", "qas": [{"id", "question",
/// "answers": [{"text", "answer_start"}]}]}]}]}</c>; SQuAD 1.1/2.0, XQuAD, MLQA) with a forward-only JSON
/// reader, so errors can name the line of the offending value. Each answer must lie inside its context
/// and match the context text at <c>answer_start</c>.
/// </summary>
public static class SquadReader
{
    public static IReadOnlyList<QaExample> Read(string path)
    {
        var bytes = IO.InputFile.ReadAllBytes(path, IO.InputFile.LargeFileLimit, "SQuAD file");
        // The JSON reader checks UTF-8 only in the strings it decodes; a bad byte in a skipped key or value is as wrong.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out int valid, out _, replaceInvalidSequences: false);
            throw new InvalidInputException("invalid UTF-8; the file must be UTF-8 encoded", path, 1 + bytes.AsSpan(0, valid).Count((byte)'\n'));
        }
        var parser = new Parser(path, bytes);
        try
        {
            return parser.ReadDocument();
        }
        catch (JsonException e)
        {
            var truncated = e.Message.Contains("end of data", StringComparison.OrdinalIgnoreCase) ? " (the file may be truncated)" : "";
            throw new InvalidInputException($"expected valid SQuAD JSON: {FirstSentence(e.Message)}{truncated}", path, (e.LineNumber ?? 0) + 1, e);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidInputException("invalid UTF-8; the file must be UTF-8 encoded", path, inner: e);
        }
    }

    private static string FirstSentence(string message) => message.Split(" LineNumber:")[0].TrimEnd();

    /// <summary>Walks the document once; positions come from the reader's byte offsets.</summary>
    private ref struct Parser
    {
        private readonly string _path;
        private readonly byte[] _bytes;
        private Utf8JsonReader _reader;
        private readonly List<QaExample> _examples = new();

        public Parser(string path, byte[] bytes)
        {
            _path = path;
            _bytes = bytes;
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            _reader = new Utf8JsonReader(bytes.AsSpan(start), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            _offset = start;
        }

        private readonly int _offset;
        private int _countedUpTo;
        private long _newlines;

        public List<QaExample> ReadDocument()
        {
            Next();
            Expect(JsonTokenType.StartObject, "a JSON object with a \"data\" array");
            bool sawData = false;
            while (Next() == JsonTokenType.PropertyName)
            {
                if (_reader.ValueTextEquals("data"))
                {
                    sawData = true;
                    Next();
                    Expect(JsonTokenType.StartArray, "\"data\" to be an array of articles");
                    while (Next() != JsonTokenType.EndArray) ReadArticle();
                }
                else SkipValue();
            }
            if (!sawData) throw Error("expected a top-level \"data\" array (SQuAD format)");
            if (_reader.Read()) throw Error($"expected the end of the file after the top-level object, found {Describe(_reader.TokenType)}");
            return _examples;
        }

        private void ReadArticle()
        {
            Expect(JsonTokenType.StartObject, "each article to be an object with \"paragraphs\"");
            string title = "";
            while (Next() == JsonTokenType.PropertyName)
            {
                if (_reader.ValueTextEquals("title")) { Next(); title = ReadString("\"title\" to be a string"); }
                else if (_reader.ValueTextEquals("paragraphs"))
                {
                    Next();
                    Expect(JsonTokenType.StartArray, "\"paragraphs\" to be an array");
                    while (Next() != JsonTokenType.EndArray) ReadParagraph(title);
                }
                else SkipValue();
            }
        }

        private void ReadParagraph(string title)
        {
            Expect(JsonTokenType.StartObject, "each paragraph to be an object with \"context\" and \"qas\"");
            long paragraphLine = Line();
            string? context = null;
            var pending = new List<(string Id, string Question, List<(QaAnswer Answer, long Line)> Answers, bool Impossible, long Line)>();
            while (Next() == JsonTokenType.PropertyName)
            {
                if (_reader.ValueTextEquals("context")) { Next(); context = ReadString("\"context\" to be a string"); }
                else if (_reader.ValueTextEquals("qas"))
                {
                    Next();
                    Expect(JsonTokenType.StartArray, "\"qas\" to be an array");
                    while (Next() != JsonTokenType.EndArray) pending.Add(ReadQuestion());
                }
                else SkipValue();
            }
            if (context is null) throw new InvalidInputException("expected a \"context\" string in this paragraph", _path, paragraphLine);
            foreach (var q in pending)
            {
                foreach (var (answer, line) in q.Answers)
                {
                    if (answer.Start < 0 || answer.End > context.Length)
                        throw new InvalidInputException($"answer_start {answer.Start} with length {answer.Text.Length} lies outside the context ({context.Length} characters)", _path, line);
                    if (string.CompareOrdinal(context, answer.Start, answer.Text, 0, answer.Text.Length) != 0)
                        throw new InvalidInputException($"answer text \"{answer.Text}\" does not match the context at answer_start {answer.Start} (found \"{context.Substring(answer.Start, answer.Text.Length)}\")", _path, line);
                }
                _examples.Add(new QaExample(q.Id, title, context, q.Question, q.Answers.Select(a => a.Answer).ToArray(), q.Impossible, _path, q.Line));
            }
        }

        private (string, string, List<(QaAnswer, long)>, bool, long) ReadQuestion()
        {
            Expect(JsonTokenType.StartObject, "each entry of \"qas\" to be an object");
            long line = Line();
            string? id = null, question = null;
            bool impossible = false;
            var answers = new List<(QaAnswer, long)>();
            while (Next() == JsonTokenType.PropertyName)
            {
                if (_reader.ValueTextEquals("id")) { Next(); id = ReadId(); }
                else if (_reader.ValueTextEquals("question")) { Next(); question = ReadString("\"question\" to be a string"); }
                else if (_reader.ValueTextEquals("is_impossible")) { Next(); impossible = _reader.TokenType == JsonTokenType.True; }
                else if (_reader.ValueTextEquals("answers"))
                {
                    Next();
                    Expect(JsonTokenType.StartArray, "\"answers\" to be an array");
                    while (Next() != JsonTokenType.EndArray) answers.Add(ReadAnswer());
                }
                else SkipValue();
            }
            if (id is null) throw new InvalidInputException("expected an \"id\" for this question", _path, line);
            if (question is null) throw new InvalidInputException("expected a \"question\" string", _path, line);
            return (id, question, answers, impossible, line);
        }

        private (QaAnswer, long) ReadAnswer()
        {
            Expect(JsonTokenType.StartObject, "each answer to be an object with \"text\" and \"answer_start\"");
            long line = Line();
            string? text = null;
            int? start = null;
            while (Next() == JsonTokenType.PropertyName)
            {
                if (_reader.ValueTextEquals("text")) { Next(); text = ReadString("\"text\" to be a string"); }
                else if (_reader.ValueTextEquals("answer_start"))
                {
                    Next();
                    if (_reader.TokenType != JsonTokenType.Number || !_reader.TryGetInt32(out int s))
                        throw Error("expected \"answer_start\" to be an integer character offset");
                    start = s;
                }
                else SkipValue();
            }
            if (text is null || start is null) throw new InvalidInputException("expected an answer with \"text\" and \"answer_start\"", _path, line);
            return (new QaAnswer(text, start.Value), line);
        }

        /// <summary>A question id: a string, or an integer (written in decimal); anything else is refused.</summary>
        private string ReadId()
        {
            if (_reader.TokenType == JsonTokenType.Number)
                return _reader.TryGetInt64(out long number)
                    ? number.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : throw Error($"expected \"id\" to be a string or an integer, found {Encoding.UTF8.GetString(_reader.ValueSpan)}");
            return ReadString("\"id\" to be a string or an integer");
        }

        private JsonTokenType Next()
        {
            if (!_reader.Read()) throw new InvalidInputException("unexpected end of file (the file may be truncated)", _path, Line());
            return _reader.TokenType;
        }

        private void SkipValue()
        {
            Next();
            _reader.Skip();
        }

        private string ReadString(string expected)
        {
            Expect(JsonTokenType.String, expected);
            try
            {
                return _reader.GetString()!;
            }
            catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException)
            {
                throw new InvalidInputException("invalid UTF-8 in this string; the file must be UTF-8 encoded", _path, Line(), e);
            }
            catch (InvalidOperationException e)
            {
                // An escape that is no text: a lone surrogate such as \ud800.
                throw new InvalidInputException("this string is not valid Unicode (an unpaired surrogate escape such as \\ud800)", _path, Line(), e);
            }
        }

        private void Expect(JsonTokenType type, string expected)
        {
            if (_reader.TokenType != type) throw Error($"expected {expected}, found {Describe(_reader.TokenType)}");
        }

        private InvalidInputException Error(string message) => new(message, _path, Line());

        /// <summary>1-based line of the current token. Tokens only move forward, so newlines are counted incrementally.</summary>
        private long Line()
        {
            int end = (int)Math.Min(_offset + _reader.TokenStartIndex, _bytes.Length);
            if (end > _countedUpTo)
            {
                _newlines += _bytes.AsSpan(_countedUpTo, end - _countedUpTo).Count((byte)'\n');
                _countedUpTo = end;
            }
            return 1 + _newlines;
        }

        private static string Describe(JsonTokenType type) => type switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            JsonTokenType.Null => "null",
            _ => type.ToString(),
        };
    }
}
