using System.Buffers.Binary;

namespace DslSft.IO.Formats.Torch;

/// <summary>
/// Data-only stand-ins for how NumPy pickles a scalar: <c>scalar(dtype('i8', False, True), encode(text, 'latin1'))</c>,
/// where BUILD gives the dtype its state tuple (version, byte order, ...). composable-sft's first index step is such
/// an int64 scalar.
/// </summary>
internal static class NumPyConstructors
{
    public static object? DType(object?[] args, Func<string, Exception> error)
    {
        if (args is not [string descr, ..]) throw error("expects a type string such as 'i8'");
        return new NumPyDType(descr);
    }

    public static void SetDTypeState(NumPyDType dtype, object? state, Func<string, Exception> error)
    {
        // State: (version, byteorder, subarray, names, fields, elsize, alignment, flags).
        if (state is not PickleTuple { Count: >= 2 } tuple || tuple[1] is not string { Length: 1 } order || "<>|=".IndexOf(order[0]) < 0)
            throw error("expects a state tuple with a byte order '<', '>', '|' or '='");
        dtype.ByteOrder = order[0];
    }

    /// <summary><c>_codecs.encode(text, 'latin1')</c>: how protocol 2 carries bytes (one char per byte).</summary>
    public static object? CodecsEncode(object?[] args, Func<string, Exception> error)
    {
        if (args is not [string text, string encoding] || encoding.ToLowerInvariant() is not ("latin1" or "latin-1" or "iso-8859-1"))
            throw error("expects (str, 'latin1')");
        var bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
            bytes[i] = text[i] <= '\u00ff' ? (byte)text[i] : throw error($"character U+{(int)text[i]:X4} is not latin-1");
        return bytes;
    }

    public static object? Scalar(object?[] args, Func<string, Exception> error)
    {
        if (args is not [NumPyDType dtype, var raw]) throw error("expects (dtype, data)");
        byte[] data = raw switch
        {
            byte[] b => b,
            string s when s.All(c => c <= '\u00ff') => s.Select(c => (byte)c).ToArray(), // Python 2 str payload
            _ => throw error($"data must be bytes, got {PickleDescribe.TypeName(raw)}"),
        };
        var descr = dtype.Descr.TrimStart('<', '>', '|', '=');
        bool bigEndian = dtype.Descr.StartsWith('>') || dtype.ByteOrder == '>';
        if (descr.Length != 2 || !int.TryParse(descr.AsSpan(1), out int width) || width != data.Length)
            throw error($"unsupported or inconsistent dtype '{dtype.Descr}' for {data.Length} bytes");
        Span<byte> le = data.ToArray();
        if (bigEndian) le.Reverse();
        // Each arm is boxed on its own: a switch expression mixing long and double arms would widen every int to double.
        object value = (descr[0], width) switch
        {
            ('i', 1) => (object)(long)(sbyte)le[0],
            ('i', 2) => (object)(long)BinaryPrimitives.ReadInt16LittleEndian(le),
            ('i', 4) => (object)(long)BinaryPrimitives.ReadInt32LittleEndian(le),
            ('i', 8) => (object)BinaryPrimitives.ReadInt64LittleEndian(le),
            ('u', 1) => (object)(long)le[0],
            ('u', 2) => (object)(long)BinaryPrimitives.ReadUInt16LittleEndian(le),
            ('u', 4) => (object)(long)BinaryPrimitives.ReadUInt32LittleEndian(le),
            ('u', 8) => BinaryPrimitives.ReadUInt64LittleEndian(le) <= long.MaxValue
                ? (object)(long)BinaryPrimitives.ReadUInt64LittleEndian(le) : throw error("uint64 value does not fit in int64"),
            ('f', 4) => (object)(double)BinaryPrimitives.ReadSingleLittleEndian(le),
            ('f', 8) => (object)BinaryPrimitives.ReadDoubleLittleEndian(le),
            _ => throw error($"unsupported dtype '{dtype.Descr}'"),
        };
        return new NumPyScalar(descr, value);
    }
}
