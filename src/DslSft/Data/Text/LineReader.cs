using System.Text;

namespace DslSft.Data.Text;

/// <summary>
/// Streams a text file line by line, decoding each line as strict UTF-8, so that a bad byte is reported
/// with the line it sits on (a StreamReader decodes whole buffers and loses the line). Strips a leading
/// BOM and a trailing '\r' (Windows line ends). Line numbers are 1-based. A line longer than
/// <see cref="MaxLineBytes"/> is an error rather than an unbounded buffer (a binary file, <c>/dev/zero</c>).
/// </summary>
public sealed class LineReader : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _position;
    private int _length;
    private byte[] _line = new byte[256];

    /// <summary>The longest line read by default: 64 MiB, far beyond any sentence, paragraph or JSONL record.</summary>
    public const int DefaultMaxLineBytes = 64 << 20;

    public LineReader(string path, int maxLineBytes = DefaultMaxLineBytes)
    {
        Path = path;
        MaxLineBytes = maxLineBytes;
        _stream = IO.InputFile.Open(path, bufferSize: 1, options: FileOptions.SequentialScan);
    }

    /// <summary>The longest line (in bytes, terminator excluded) this reader accepts.</summary>
    public int MaxLineBytes { get; }

    /// <summary>The file being read (used in error messages).</summary>
    public string Path { get; }

    /// <summary>1-based number of the line last returned by <see cref="ReadLine"/> (0 before the first).</summary>
    public long LineNumber { get; private set; }

    /// <summary>True when the last line returned was the final one and had no line terminator (a possibly truncated file).</summary>
    public bool LastLineUnterminated { get; private set; }

    /// <summary>Reads the next line without its terminator, or null at the end of the file.</summary>
    public string? ReadLine()
    {
        int count = 0;
        bool terminated = false;
        while (true)
        {
            if (_position == _length)
            {
                _length = Read();
                _position = 0;
                if (_length == 0) break;
            }
            int newline = Array.IndexOf(_buffer, (byte)'\n', _position, _length - _position);
            int end = newline < 0 ? _length : newline;
            Append(ref count, end - _position);
            _position = newline < 0 ? _length : newline + 1;
            if (newline >= 0) { terminated = true; break; }
        }
        if (count == 0 && !terminated) return null;
        LineNumber++;
        LastLineUnterminated = !terminated;
        int start = 0;
        if (LineNumber == 1 && count >= 3 && _line[0] == 0xEF && _line[1] == 0xBB && _line[2] == 0xBF) start = 3;
        if (count > start && _line[count - 1] == (byte)'\r') count--;
        if (LineNumber == 1 && count >= 2 && (_line[0], _line[1]) is (0xFF, 0xFE) or (0xFE, 0xFF))
            throw Error($"the file is UTF-16 encoded (byte-order mark 0x{_line[0]:X2} 0x{_line[1]:X2}); it must be UTF-8");
        // NUL is valid UTF-8 but never text: it is what UTF-16 without a byte-order mark, or a binary file, looks like.
        if (Array.IndexOf(_line, (byte)0, start, count - start) is var nul and >= 0)
            throw Error($"NUL byte at column {nul - start + 1}: this is not a text file (UTF-16 or binary?); it must be UTF-8");
        try
        {
            return StrictUtf8.GetString(_line, start, count - start);
        }
        catch (DecoderFallbackException e)
        {
            int column = FirstInvalidByte(_line.AsSpan(start, count - start));
            throw new InvalidInputException($"invalid UTF-8 (byte 0x{_line[start + column]:X2} at column {column + 1}); the file must be UTF-8 encoded", Path, LineNumber, e);
        }
    }

    /// <summary>All remaining lines, lazily.</summary>
    public IEnumerable<string> ReadLines()
    {
        while (ReadLine() is { } line) yield return line;
    }

    public InvalidInputException Error(string message) => new(message, Path, LineNumber);

    public void Dispose() => _stream.Dispose();

    private int Read()
    {
        try { return _stream.Read(_buffer, 0, _buffer.Length); }
        catch (IOException e) { throw new InvalidInputException($"cannot be read: {e.Message}", Path, LineNumber + 1, e); }
    }

    private void Append(ref int count, int n)
    {
        if ((long)count + n > MaxLineBytes)
            throw new InvalidInputException($"line is longer than {IO.InputFile.Describe(MaxLineBytes)}, the most that is read (is this a text file?)", Path, LineNumber + 1);
        if (count + n > _line.Length) Array.Resize(ref _line, (int)Math.Min(MaxLineBytes, Math.Max(_line.Length * 2L, count + n)));
        Buffer.BlockCopy(_buffer, _position, _line, count, n);
        count += n;
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        // The UTF-16 transcoder stops at the first invalid sequence and reports how many bytes it consumed.
        var status = System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out int read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.Done ? 0 : read;
    }
}
