using System.Buffers.Binary;
using System.Text;

namespace DslSft.IO.Formats.Torch;

/// <summary>
/// Emits protocol-2 pickle opcodes, the way CPython's pickler spells them (smallest int opcode, BINUNICODE
/// strings, memoised globals). The caller drives the structure; this class only knows the byte encoding.
/// </summary>
public sealed class PickleWriter
{
    private readonly MemoryStream _out = new();
    private readonly Dictionary<string, int> _globalMemo = new(StringComparer.Ordinal);
    private int _memoCount;

    public PickleWriter() => Op(0x80, 2); // PROTO 2

    public byte[] Finish()
    {
        Op((byte)'.'); // STOP
        return _out.ToArray();
    }

    public void Mark() => Op((byte)'(');
    public void EmptyDict() => Op((byte)'}');
    public void EmptyList() => Op((byte)']');
    public void EmptyTuple() => Op((byte)')');
    public void SetItems() => Op((byte)'u');
    public void Appends() => Op((byte)'e');
    public void Reduce() => Op((byte)'R');
    public void Build() => Op((byte)'b');
    public void BinPersId() => Op((byte)'Q');
    public void None() => Op((byte)'N');
    public void Bool(bool value) => Op(value ? (byte)0x88 : (byte)0x89);

    /// <summary>TUPLE1/2/3 for small tuples (items already pushed), TUPLE after a MARK otherwise.</summary>
    public void Tuple(int count)
    {
        switch (count)
        {
            case 0: EmptyTuple(); break;
            case 1: Op(0x85); break;
            case 2: Op(0x86); break;
            case 3: Op(0x87); break;
            default: throw new ArgumentOutOfRangeException(nameof(count), "use Mark() ... TupleFromMark() for longer tuples");
        }
    }

    public void TupleFromMark() => Op((byte)'t');

    public void Int(long value)
    {
        if (value is >= 0 and <= byte.MaxValue) Op((byte)'K', (byte)value);
        else if (value is >= 0 and <= ushort.MaxValue) { Op((byte)'M'); WriteLE16((ushort)value); }
        else if (value is >= int.MinValue and <= int.MaxValue) { Op((byte)'J'); WriteLE32((int)value); }
        else
        {
            // LONG1: minimal little-endian two's complement.
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            int length = 8;
            while (length > 1 && ((bytes[length - 1] == 0x00 && (bytes[length - 2] & 0x80) == 0) ||
                                  (bytes[length - 1] == 0xff && (bytes[length - 2] & 0x80) != 0)))
                length--;
            Op(0x8a, (byte)length);
            _out.Write(bytes[..length]);
        }
    }

    public void Unicode(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Op((byte)'X');
        WriteLE32(bytes.Length);
        _out.Write(bytes);
    }

    /// <summary>GLOBAL module\nname\n, memoised so later uses are a BINGET like CPython writes.</summary>
    public void Global(string module, string name)
    {
        var key = $"{module}\n{name}\n";
        if (_globalMemo.TryGetValue(key, out int index)) { Get(index); return; }
        Op((byte)'c');
        _out.Write(Encoding.ASCII.GetBytes(key));
        _globalMemo[key] = _memoCount;
        Put(_memoCount++);
    }

    private void Put(int index)
    {
        if (index < 256) Op((byte)'q', (byte)index);
        else { Op((byte)'r'); WriteLE32(index); }
    }

    private void Get(int index)
    {
        if (index < 256) Op((byte)'h', (byte)index);
        else { Op((byte)'j'); WriteLE32(index); }
    }

    private void Op(byte op) => _out.WriteByte(op);

    private void Op(byte op, byte arg)
    {
        _out.WriteByte(op);
        _out.WriteByte(arg);
    }

    private void WriteLE16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        _out.Write(b);
    }

    private void WriteLE32(int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        _out.Write(b);
    }
}
