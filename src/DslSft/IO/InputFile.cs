using System.Text;

namespace DslSft.IO;

/// <summary>
/// The one way readers open their input. Before anything is opened it refuses, as an <see cref="InvalidInputException"/>
/// naming the file: a missing path, a directory, a symbolic-link loop, an unreadable file and, unless
/// <see cref="AllowSpecialFiles"/> is on, anything that is not a regular file (a FIFO with no writer would block forever,
/// <c>/dev/zero</c> never ends). Whole-file reads are capped, so no input can make a reader buffer without bound.
/// </summary>
public static class InputFile
{
    private static readonly AsyncLocal<bool> SpecialFilesAllowed = new();
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The most a whole-file read of a small text file (a JSON config, a labels file) takes: 64 MiB.</summary>
    public const long SmallFileLimit = 64L << 20;

    /// <summary>The most a whole-file read takes at all: what one managed array holds.</summary>
    public const long LargeFileLimit = int.MaxValue - 64;

    /// <summary>
    /// Accept FIFOs, character devices and sockets as input (the CLI's <c>--allow-special-files</c>); the caps on what is
    /// read still apply. Flows with the async context, so in-process CLI runs do not leak it into each other.
    /// </summary>
    public static bool AllowSpecialFiles
    {
        get => SpecialFilesAllowed.Value;
        set => SpecialFilesAllowed.Value = value;
    }

    /// <summary>Checks that <paramref name="path"/> can be opened as input; <paramref name="what"/> names it in messages ("labels file").</summary>
    public static void Check(string path, string what = "file")
    {
        if (LinuxFileSystem.FileType(path) is not { } status)
        {
            // Off Linux: the portable checks only.
            if (Directory.Exists(path)) throw new InvalidInputException($"{what} is a directory, expected a file", path);
            if (!File.Exists(path)) throw new InvalidInputException($"{what} not found", path);
            return;
        }
        switch (status.Error)
        {
            case 0: break;
            case LinuxFileSystem.NoEntry: throw new InvalidInputException($"{what} not found", path);
            case LinuxFileSystem.LinkLoop: throw new InvalidInputException($"{what} cannot be opened: a loop of symbolic links", path);
            case LinuxFileSystem.NotADirectory: throw new InvalidInputException($"{what} not found: a component of the path is not a directory", path);
            case LinuxFileSystem.AccessDenied: throw new InvalidInputException($"{what} cannot be read (permission denied)", path);
            default: throw new InvalidInputException($"{what} cannot be opened: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(status.Error)}", path);
        }
        var kind = status.Mode switch
        {
            0x8000 => null, // regular file
            0x4000 => "a directory",
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
        if (kind is null) return;
        if (status.Mode == 0x4000) throw new InvalidInputException($"{what} is a directory, expected a file", path);
        if (!AllowSpecialFiles)
            throw new InvalidInputException($"{what} is {kind}, not a regular file (pass --allow-special-files to read it anyway)", path);
    }

    /// <summary>Opens <paramref name="path"/> for reading after <see cref="Check"/>.</summary>
    public static FileStream Open(string path, string what = "file", int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        Check(path, what);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, options);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException($"{what} not found", path, inner: e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidInputException($"{what} cannot be read (permission denied)", path, inner: e);
        }
        catch (IOException e)
        {
            throw new InvalidInputException($"{what} cannot be opened: {e.Message}", path, inner: e);
        }
    }

    /// <summary>All bytes of <paramref name="path"/>, refusing files longer than <paramref name="limit"/> (without reading past it).</summary>
    public static byte[] ReadAllBytes(string path, long limit, string what = "file")
    {
        using var stream = Open(path, what);
        long declared = stream.CanSeek ? stream.Length : 0;
        if (declared > limit) throw TooLarge(path, what, limit);
        var buffer = new MemoryStream(declared > 0 ? (int)declared : 0);
        var chunk = new byte[1 << 16];
        try
        {
            int n;
            while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + n > limit) throw TooLarge(path, what, limit);
                buffer.Write(chunk, 0, n);
            }
        }
        catch (IOException e)
        {
            throw new InvalidInputException($"{what} cannot be read: {e.Message}", path, inner: e);
        }
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>The text of <paramref name="path"/> as strict UTF-8 (a leading byte-order mark dropped), at most <paramref name="limit"/> bytes.</summary>
    public static string ReadAllText(string path, long limit = SmallFileLimit, string what = "file")
    {
        var bytes = ReadAllBytes(path, limit, what);
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidInputException($"{what} is not valid UTF-8 (byte offset {e.Index + start})", path, inner: e);
        }
    }

    private static InvalidInputException TooLarge(string path, string what, long limit) =>
        new($"{what} is larger than {Describe(limit)}, the most that is read", path);

    /// <summary>A byte count for messages: "64 MiB", "1.5 GiB", "812 bytes".</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} bytes",
    };
}
