using System.IO.Compression;

namespace DslSft.IO;

/// <summary>
/// Reads members of a zip archive (torch.save files) without trusting the archive: a member must declare a plausible
/// size (at most <see cref="MaxCompressionRatio"/> times what it occupies in the file, so a small zip bomb is refused
/// before anything is inflated), may never inflate past what it declares, and must match its CRC-32 (a flipped bit in a
/// stored tensor is refused instead of imported). Every failure is an <see cref="InvalidInputException"/> naming the
/// archive and the member.
/// </summary>
public static class ZipMember
{
    /// <summary>
    /// The largest inflated/compressed size ratio accepted for members over <see cref="RatioFreeBytes"/>. torch.save
    /// stores members uncompressed (ratio 1); float data recompressed by hand stays far below this, while a zip bomb
    /// needs ratios near deflate's limit of 1032.
    /// </summary>
    public const long MaxCompressionRatio = 100;

    /// <summary>Members up to this size may have any compression ratio (a tiny all-zero member compresses well).</summary>
    public const long RatioFreeBytes = 1 << 20;

    /// <summary>Checks the declared size of <paramref name="entry"/> against <paramref name="limit"/> and the ratio cap.</summary>
    public static void CheckDeclaredSize(ZipArchiveEntry entry, long limit, string archive)
    {
        if (entry.Length > limit)
            throw Error(entry, archive, $"declares {InputFile.Describe(entry.Length)}, more than the {InputFile.Describe(limit)} accepted");
        if (entry.Length > RatioFreeBytes && entry.Length / MaxCompressionRatio > entry.CompressedLength)
            throw Error(entry, archive, $"would inflate {entry.CompressedLength} bytes to {InputFile.Describe(entry.Length)} " +
                                        $"(more than {MaxCompressionRatio}:1; a zip bomb?)");
    }

    /// <summary>All bytes of <paramref name="entry"/>, checked (see the class summary).</summary>
    public static byte[] ReadAll(ZipArchiveEntry entry, long limit, string archive)
    {
        CheckDeclaredSize(entry, limit, archive);
        var bytes = new byte[entry.Length];
        using var stream = OpenChecked(entry, archive);
        stream.ReadExactly(bytes);
        stream.Finish();
        return bytes;
    }

    /// <summary>Reads the whole member once, only to check its size and CRC-32.</summary>
    public static void Verify(ZipArchiveEntry entry, long limit, string archive)
    {
        CheckDeclaredSize(entry, limit, archive);
        using var stream = OpenChecked(entry, archive);
        var buffer = new byte[1 << 16];
        while (stream.Read(buffer, 0, buffer.Length) > 0) { }
        stream.Finish();
    }

    /// <summary>
    /// A read stream over the member that fails (an <see cref="InvalidInputException"/>) when the data is corrupt or
    /// inflates past the declared size; call <see cref="CheckedStream.Finish"/> after the last byte to check the CRC-32.
    /// </summary>
    /// <param name="context">What the member holds, put before messages (for example "abs tensor 'classifier.weight'").</param>
    public static CheckedStream OpenChecked(ZipArchiveEntry entry, string archive, string? context = null)
    {
        try
        {
            return new CheckedStream(entry.Open(), entry, archive, context);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw Error(entry, archive, $"cannot be read (unsupported compression or corrupt archive): {e.Message}", e, context);
        }
    }

    internal static InvalidInputException Error(ZipArchiveEntry entry, string archive, string message, Exception? inner = null, string? context = null) =>
        new($"{(context is null ? "" : context + ": ")}member '{entry.FullName}' {message}", archive, inner: inner);

    /// <summary>Counts and checksums what is read, and stops at the declared length.</summary>
    public sealed class CheckedStream : Stream
    {
        private readonly Stream _inner;
        private readonly ZipArchiveEntry _entry;
        private readonly string _archive;
        private readonly string? _context;
        private readonly System.IO.Hashing.Crc32 _crc = new();
        private long _read;

        internal CheckedStream(Stream inner, ZipArchiveEntry entry, string archive, string? context)
        {
            _inner = inner;
            _entry = entry;
            _archive = archive;
            _context = context;
        }

        private InvalidInputException Fail(string message, Exception? inner = null) => Error(_entry, _archive, message, inner, _context);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n;
            try
            {
                // One byte past the declared end is asked for, so that a member longer than it says is noticed.
                long left = _entry.Length - _read + 1;
                n = _inner.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
            {
                throw Fail($"cannot be read (truncated or corrupt archive): {e.Message}", e);
            }
            _read += n;
            if (_read > _entry.Length) throw Fail($"inflates to more than the {_entry.Length} bytes it declares");
            _crc.Append(buffer[..n]);
            return n;
        }

        /// <summary>Checks that the member ended where it said and that its CRC-32 matches.</summary>
        public void Finish()
        {
            Span<byte> probe = stackalloc byte[1];
            while (_read < _entry.Length && Read(probe) > 0) { }
            if (Read(probe) != 0 || _read != _entry.Length)
                throw Fail($"holds {_read} bytes but declares {_entry.Length} (truncated or corrupt archive)");
            uint actual = _crc.GetCurrentHashAsUInt32();
            if (actual != _entry.Crc32)
                throw Fail($"fails its CRC-32 check (stored {_entry.Crc32:x8}, computed {actual:x8}): the file is corrupt");
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _entry.Length;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
