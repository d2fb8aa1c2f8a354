using System.Buffers.Binary;
using System.Text;

namespace DslSft.IO.Formats.Torch;

/// <summary>
/// A Python pickle reader (protocols 2 to 5) that cannot run code: it builds plain data, and the only
/// callables it knows are a fixed allow-list of globals that torch.save writes into SFT files and model checkpoints, each
/// re-implemented here as a data constructor. Any other global (os.system, builtins.eval, ...) is rejected
/// at the GLOBAL opcode, before anything could call it, with an error naming it.
/// </summary>
/// <remarks>
/// Written by hand instead of using Razorvine.Pickle (which TorchSharp.PyBridge brings): Razorvine resolves
/// globals through a process-wide constructor registry that PyBridge itself fills, and it turns unknown
/// globals into dictionaries instead of failing. Here the allow-list is local and exhaustive, every error
/// names the byte offset, and truncated or malformed input cannot crash anything.
/// </remarks>
public sealed class RestrictedUnpickler
{
    /// <summary>The globals a torch.save archive may reference, with what calling each one builds.</summary>
    public static IReadOnlyCollection<string> AllowedGlobals => Constructors.Keys.Concat(StorageTypes).Order(StringComparer.Ordinal).ToArray();

    private static readonly Dictionary<string, Func<object?[], Func<string, Exception>, object?>> Constructors = new(StringComparer.Ordinal)
    {
        ["torch.Size"] = TorchConstructors.Size,
        ["torch._utils._rebuild_tensor_v2"] = TorchConstructors.RebuildTensor,
        ["torch._utils._rebuild_parameter"] = TorchConstructors.RebuildParameter,
        ["collections.OrderedDict"] = TorchConstructors.OrderedDict,
        ["numpy.core.multiarray.scalar"] = NumPyConstructors.Scalar,
        ["numpy._core.multiarray.scalar"] = NumPyConstructors.Scalar, // NumPy 2 spelling
        ["numpy.dtype"] = NumPyConstructors.DType,
        ["_codecs.encode"] = NumPyConstructors.CodecsEncode,
    };

    /// <summary>Storage classes: valid only inside a persistent id, never callable.</summary>
    private static readonly HashSet<string> StorageTypes = [.. TorchStorageTypes.Names];

    /// <summary>The deepest nesting of MARKs accepted; torch.save's pickles nest a handful of containers.</summary>
    public const int MaxMarks = 1000;

    private readonly byte[] _data;
    private readonly string _source;
    private readonly Func<PickleTuple, object> _persistentLoad;
    private readonly List<object?> _stack = new();
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _pos;
    private int _opStart;

    private RestrictedUnpickler(byte[] data, string source, Func<PickleTuple, object> persistentLoad)
    {
        _data = data;
        _source = source;
        _persistentLoad = persistentLoad;
    }

    /// <summary>
    /// Reads one pickle. <paramref name="source"/> names the input in errors (file and archive member);
    /// <paramref name="persistentLoad"/> resolves BINPERSID ids (torch storages) and may throw.
    /// </summary>
    public static object? Load(byte[] data, string source, Func<PickleTuple, object> persistentLoad) =>
        new RestrictedUnpickler(data, source, persistentLoad).Run();

    private object? Run()
    {
        while (true)
        {
            _opStart = _pos;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    int protocol = ReadByte();
                    if (protocol > 5) throw Error($"unsupported pickle protocol {protocol}");
                    break;
                case 0x95: // FRAME (protocol 4): a length prefix we do not need
                    ReadBytes(8);
                    break;
                case (byte)'.': // STOP
                    if (_stack.Count != 1 || _marks.Count != 0) throw Error("pickle ended with an unbalanced stack");
                    return _stack[0];
                case (byte)'(': // MARK
                    if (_marks.Count >= MaxMarks) throw Error($"more than {MaxMarks} nested MARKs (torch.save pickles nest a few levels deep)");
                    _marks.Push(_stack.Count);
                    break;
                case (byte)'0': Pop(); break; // POP
                case (byte)'1': PopMark(); break; // POP_MARK
                case (byte)'2': Push(Peek()); break; // DUP
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break; // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
                case 0x8a: Push(ReadLong(ReadByte())); break; // LONG1
                case 0x8b: Push(ReadLong(ReadLength(4))); break; // LONG4
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT
                case (byte)'X': Push(ReadUtf8(ReadLength(4))); break; // BINUNICODE
                case 0x8c: Push(ReadUtf8(ReadByte())); break; // SHORT_BINUNICODE
                case 0x8d: Push(ReadUtf8(ReadLength(8))); break; // BINUNICODE8
                case (byte)'T': Push(Latin1(ReadBytes(ReadLength(4)))); break; // BINSTRING (Python 2 str)
                case (byte)'U': Push(Latin1(ReadBytes(ReadByte()))); break; // SHORT_BINSTRING
                case (byte)'B': Push(ReadBytes(ReadLength(4)).ToArray()); break; // BINBYTES
                case (byte)'C': Push(ReadBytes(ReadByte()).ToArray()); break; // SHORT_BINBYTES
                case 0x8e: Push(ReadBytes(ReadLength(8)).ToArray()); break; // BINBYTES8
                case (byte)')': Push(new PickleTuple([])); break; // EMPTY_TUPLE
                case (byte)'t': Push(new PickleTuple(PopMark().ToArray())); break; // TUPLE
                case 0x85: Push(new PickleTuple([Pop()])); break; // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new PickleTuple([a, b])); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PickleTuple([a, b, c])); break; } // TUPLE3
                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)'l': Push(PopMark()); break; // LIST
                case (byte)'a': { var item = Pop(); ListAt(Peek()).Add(item); break; } // APPEND
                case (byte)'e': { var items = PopMark(); ListAt(Peek()).AddRange(items); break; } // APPENDS
                case (byte)'}': Push(new PickleDict()); break; // EMPTY_DICT
                case (byte)'d': { var dict = new PickleDict(); SetItems(dict, PopMark()); Push(dict); break; } // DICT
                case (byte)'s': { var value = Pop(); var key = Pop(); DictAt(Peek()).Set(key, value, _source, _opStart); break; } // SETITEM
                case (byte)'u': { var items = PopMark(); SetItems(DictAt(Peek()), items); break; } // SETITEMS
                case (byte)'q': _memo[ReadByte()] = Peek(); break; // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break; // MEMOIZE
                case (byte)'h': Push(MemoGet(ReadByte())); break; // BINGET
                case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break; // LONG_BINGET
                case (byte)'c': Push(ResolveGlobal(ReadLine(), ReadLine())); break; // GLOBAL
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop() as string ?? throw Error("STACK_GLOBAL expects a str name");
                    var module = Pop() as string ?? throw Error("STACK_GLOBAL expects a str module");
                    Push(ResolveGlobal(module, name));
                    break;
                }
                case (byte)'R': // REDUCE
                {
                    var args = Pop() as PickleTuple ?? throw Error("REDUCE expects an argument tuple");
                    Push(Call(Pop(), args));
                    break;
                }
                case (byte)'b': // BUILD
                {
                    var state = Pop();
                    Build(Peek(), state);
                    break;
                }
                case (byte)'Q': // BINPERSID
                {
                    var pid = Pop() as PickleTuple ?? throw Error("persistent id must be a tuple");
                    Push(_persistentLoad(pid));
                    break;
                }
                default:
                    throw Error($"unsupported pickle opcode 0x{op:x2} ('{OpcodeName(op)}'); torch.save archives use pickle protocol 2 data opcodes only");
            }
        }
    }

    private object ResolveGlobal(string module, string name)
    {
        var full = $"{module}.{name}";
        if (Constructors.ContainsKey(full) || StorageTypes.Contains(full)) return new PickleGlobal(module, name);
        throw Error($"pickle global '{full}' is not allowed (a torch.save archive may only reference {string.Join(", ", AllowedGlobals)}); " +
                    "the file was rejected before anything in it could run");
    }

    private object? Call(object? callable, PickleTuple args)
    {
        if (callable is not PickleGlobal global)
            throw Error($"REDUCE on a {PickleDescribe.TypeName(callable)}: only allowed globals can be called");
        if (!Constructors.TryGetValue(global.FullName, out var construct))
            throw Error($"'{global.FullName}' cannot be called in a torch.save archive");
        return construct(args.Items, message => Error($"{global.FullName}: {message}"));
    }

    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case NumPyDType dtype:
                NumPyConstructors.SetDTypeState(dtype, state, message => Error($"numpy.dtype state: {message}"));
                break;
            case PickleDict dict when state is PickleDict entries:
                foreach (var (key, value) in entries.Items) dict.Set(key, value, _source, _opStart);
                break;
            default:
                throw Error($"BUILD on a {PickleDescribe.TypeName(target)} is not supported in a torch.save archive");
        }
    }

    private void SetItems(PickleDict dict, List<object?> items)
    {
        if (items.Count % 2 != 0) throw Error("SETITEMS with an odd number of stack items");
        for (int i = 0; i < items.Count; i += 2) dict.Set(items[i], items[i + 1], _source, _opStart);
    }

    private List<object?> ListAt(object? value) => value as List<object?> ?? throw Error($"APPEND to a {PickleDescribe.TypeName(value)}");
    private PickleDict DictAt(object? value) => value as PickleDict ?? throw Error($"SETITEM on a {PickleDescribe.TypeName(value)}");

    private object? MemoGet(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw Error($"memo entry {index} is read before it is written");

    private void Push(object? value)
    {
        if (_stack.Count > 10_000_000) throw Error("pickle stack too deep");
        _stack.Add(value);
    }

    private object? Pop()
    {
        int floor = _marks.Count > 0 ? _marks.Peek() : 0;
        if (_stack.Count <= floor) throw Error("pickle stack underflow");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        int floor = _marks.Count > 0 ? _marks.Peek() : 0;
        if (_stack.Count <= floor) throw Error("pickle stack underflow");
        return _stack[^1];
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Error("pickle opcode needs a MARK but there is none");
        int start = _marks.Pop();
        var items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private byte ReadByte()
    {
        if (_pos >= _data.Length) throw Error("pickle data is truncated");
        return _data[_pos++];
    }

    private ReadOnlySpan<byte> ReadBytes(long count)
    {
        if (count < 0 || count > _data.Length - _pos) throw Error($"pickle data is truncated (needs {count} more bytes, {_data.Length - _pos} left)");
        var span = _data.AsSpan(_pos, (int)count);
        _pos += (int)count;
        return span;
    }

    private long ReadLength(int width)
    {
        var bytes = ReadBytes(width);
        ulong length = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (length > (ulong)(_data.Length - _pos)) throw Error($"pickle data is truncated (a {length}-byte item, {_data.Length - _pos} bytes left)");
        return (long)length;
    }

    private long ReadLong(long byteCount)
    {
        // LONG1/LONG4: little-endian two's complement of the given width (0 bytes = 0).
        if (byteCount > 8) throw Error($"integer of {byteCount} bytes does not fit in 64 bits");
        var bytes = ReadBytes(byteCount);
        if (bytes.Length == 0) return 0;
        long value = (sbyte)bytes[^1] < 0 ? -1 : 0;
        for (int i = bytes.Length - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        return value;
    }

    private string ReadUtf8(long count)
    {
        var bytes = ReadBytes(count);
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException) { throw Error("invalid UTF-8 in a pickled string"); }
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Error("pickle data is truncated (GLOBAL name without newline)");
        var text = Encoding.UTF8.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return text;
    }

    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private InvalidInputException Error(string message) => new($"{message} (pickle byte {_opStart})", _source);

    private static string OpcodeName(byte op) => op switch
    {
        (byte)'i' => "INST", (byte)'o' => "OBJ", 0x81 => "NEWOBJ", 0x92 => "NEWOBJ_EX", 0x82 or 0x83 or 0x84 => "EXT",
        (byte)'P' => "PERSID", (byte)'I' => "INT", (byte)'L' => "LONG", (byte)'S' => "STRING", (byte)'V' => "UNICODE",
        (byte)'F' => "FLOAT", (byte)'g' => "GET", (byte)'p' => "PUT", 0x8f => "EMPTY_SET", 0x90 => "ADDITEMS",
        0x91 => "FROZENSET", 0x96 => "BYTEARRAY8", 0x97 => "NEXT_BUFFER", 0x98 => "READONLY_BUFFER",
        _ => op is >= 0x20 and < 0x7f ? ((char)op).ToString() : "?",
    };
}
