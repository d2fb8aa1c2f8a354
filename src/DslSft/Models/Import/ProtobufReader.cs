namespace DslSft.Models.Import;

/// <summary>
/// Reads the protobuf wire format (varints, fixed 32/64-bit, length-delimited fields) over a byte buffer, with no
/// copying: length-delimited fields come back as slices of the input. ONNX needs only a dozen fields, so reading
/// them by hand is shorter than generating ONNX classes (which would need protoc and onnx.proto) and keeps the
/// 90 MB of weights in one buffer. Every overrun fails with the byte offset.
/// </summary>
internal struct ProtobufReader
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5;

    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly long _baseOffset;
    private int _position;

    public ProtobufReader(ReadOnlyMemory<byte> buffer, long baseOffset = 0)
    {
        _buffer = buffer;
        _baseOffset = baseOffset;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _buffer.Length;

    /// <summary>Offset of the reader in the whole file, for error messages.</summary>
    public readonly long Offset => _baseOffset + _position;

    /// <summary>Reads the next field key; returns false at the end of the message.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        if (AtEnd)
        {
            field = wireType = 0;
            return false;
        }
        var key = ReadVarint();
        field = (int)(key >> 3);
        wireType = (int)(key & 7);
        if (field <= 0) throw new FormatException($"invalid protobuf field number {field} at byte {Offset}");
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        var span = _buffer.Span;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= span.Length) throw new FormatException($"truncated varint at byte {Offset}");
            var b = span[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new FormatException($"varint longer than 10 bytes at byte {Offset}");
    }

    public long ReadInt64() => (long)ReadVarint();

    public uint ReadFixed32()
    {
        var bytes = Take(4).Span;
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    /// <summary>A length-delimited field's payload, as a slice of the input.</summary>
    public ReadOnlyMemory<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_buffer.Length - _position))
            throw new FormatException($"field of {length} bytes at byte {Offset} runs past the end of its message ({_buffer.Length - _position} bytes left)");
        return Take((int)length);
    }

    /// <summary>A nested message: a reader over its payload that reports file offsets.</summary>
    public ProtobufReader ReadMessage()
    {
        var payload = ReadBytes();
        return new ProtobufReader(payload, Offset - payload.Length);
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes().Span);

    /// <summary>Repeated int64 written either packed (one length-delimited blob) or one varint per element.</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType == Varint)
        {
            into.Add(ReadInt64());
            return;
        }
        var packed = new ProtobufReader(ReadBytes(), Offset);
        while (!packed.AtEnd) into.Add(packed.ReadInt64());
    }

    /// <summary>Repeated float, packed or not.</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType == Fixed32)
        {
            into.Add(BitConverter.UInt32BitsToSingle(ReadFixed32()));
            return;
        }
        var bytes = ReadBytes().Span;
        if (bytes.Length % 4 != 0) throw new FormatException($"packed float field of {bytes.Length} bytes (not a multiple of 4) before byte {Offset}");
        for (var i = 0; i < bytes.Length; i += 4)
            into.Add(System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes[i..]));
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Take(8); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: Take(4); break;
            default: throw new FormatException($"unsupported protobuf wire type {wireType} at byte {Offset}");
        }
    }

    private ReadOnlyMemory<byte> Take(int count)
    {
        if (count > _buffer.Length - _position) throw new FormatException($"truncated field at byte {Offset}: needs {count} bytes, {_buffer.Length - _position} left");
        var slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }
}
