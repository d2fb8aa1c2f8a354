using System.Buffers.Binary;
using System.Text;

namespace DslSft.IO.Formats.Torch;

/// <summary>
/// Writes a torch.save zip archive: uncompressed ("stored") members under one folder prefix, each member's
/// data aligned to 64 bytes with an "FB" padding extra field, exactly as PyTorch's PyTorchStreamWriter lays
/// them out (so readers that memory-map storages work too). No zip64: archives must stay below 4 GiB.
/// </summary>
internal sealed class TorchZipWriter
{
    private const int Alignment = 64;
    private readonly Stream _out;
    private readonly string _prefix;
    private readonly List<(string Name, uint Crc, uint Size, uint Offset)> _entries = new();

    public TorchZipWriter(Stream output, string prefix)
    {
        _out = output;
        _prefix = prefix;
    }

    /// <summary>Adds <c>prefix/name</c> with the given bytes, which are produced by <paramref name="chunks"/> (called twice: CRC, then write).</summary>
    public void Add(string name, long length, Func<IEnumerable<ReadOnlyMemory<byte>>> chunks)
    {
        var fullName = $"{_prefix}/{name}";
        var checksum = new System.IO.Hashing.Crc32();
        long counted = 0;
        foreach (var chunk in chunks())
        {
            checksum.Append(chunk.Span);
            counted += chunk.Length;
        }
        uint crc = checksum.GetCurrentHashAsUInt32();
        if (counted != length) throw new InvalidOperationException($"{fullName}: produced {counted} bytes, expected {length}");

        long offset = _out.Position;
        if (offset + length + 1024 > uint.MaxValue) throw new InvalidOperationException("archive would exceed 4 GiB; this writer does not produce zip64");
        var nameBytes = Encoding.UTF8.GetBytes(fullName);
        int padding = (int)((Alignment - (offset + 30 + nameBytes.Length + 4) % Alignment) % Alignment);

        Span<byte> header = stackalloc byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(header[0..], 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 20);       // version needed: 2.0
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);        // flags
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], 0);        // method: stored
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 0);       // time 00:00
        BinaryPrimitives.WriteUInt16LittleEndian(header[12..], 0x21);    // date 1980-01-01 (deterministic output)
        BinaryPrimitives.WriteUInt32LittleEndian(header[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[18..], (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[22..], (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], (ushort)(4 + padding));
        _out.Write(header);
        _out.Write(nameBytes);
        Span<byte> extra = stackalloc byte[4 + padding];
        extra.Fill((byte)'Z');
        extra[0] = (byte)'F';
        extra[1] = (byte)'B';
        BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)padding);
        _out.Write(extra);
        foreach (var chunk in chunks()) _out.Write(chunk.Span);
        _entries.Add((fullName, crc, (uint)length, (uint)offset));
    }

    public void Add(string name, byte[] data) => Add(name, data.Length, () => [data]);

    /// <summary>Writes the central directory and end record.</summary>
    public void Finish()
    {
        long cdStart = _out.Position;
        Span<byte> h = stackalloc byte[46];
        foreach (var (name, crc, size, offset) in _entries)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            BinaryPrimitives.WriteUInt32LittleEndian(h[0..], 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 20);   // made by
            BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 20);   // needed
            BinaryPrimitives.WriteUInt16LittleEndian(h[8..], 0);
            BinaryPrimitives.WriteUInt16LittleEndian(h[10..], 0);
            BinaryPrimitives.WriteUInt16LittleEndian(h[12..], 0);
            BinaryPrimitives.WriteUInt16LittleEndian(h[14..], 0x21);
            BinaryPrimitives.WriteUInt32LittleEndian(h[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(h[20..], size);
            BinaryPrimitives.WriteUInt32LittleEndian(h[24..], size);
            BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)nameBytes.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(h[30..], 0);   // extra
            BinaryPrimitives.WriteUInt16LittleEndian(h[32..], 0);   // comment
            BinaryPrimitives.WriteUInt16LittleEndian(h[34..], 0);   // disk
            BinaryPrimitives.WriteUInt16LittleEndian(h[36..], 0);   // internal attributes
            BinaryPrimitives.WriteUInt32LittleEndian(h[38..], 0);   // external attributes
            BinaryPrimitives.WriteUInt32LittleEndian(h[42..], offset);
            _out.Write(h);
            _out.Write(nameBytes);
        }
        long cdSize = _out.Position - cdStart;
        if (_entries.Count > ushort.MaxValue || _out.Position > uint.MaxValue)
            throw new InvalidOperationException("archive too large for a zip without zip64");
        Span<byte> end = stackalloc byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end[0..], 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(end[6..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], (ushort)_entries.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], (ushort)_entries.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], (uint)cdSize);
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], (uint)cdStart);
        BinaryPrimitives.WriteUInt16LittleEndian(end[20..], 0);
        _out.Write(end);
    }
}
