using System.IO.Compression;
using System.Text;
using DslSft.Sft.Formats;
using DslSft.IO.Formats.Torch;
using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Sft;

/// <summary>The pickle reader runs no code: only the allow-listed globals resolve, everything else is refused up front.</summary>
public class RestrictedUnpicklerTests
{
    private static object? Load(byte[] pickle) =>
        RestrictedUnpickler.Load(pickle, "test.pkl", pid => throw new InvalidOperationException("no persistent ids here"));

    private static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    [Fact]
    public void Os_system_via_global_and_reduce_is_rejected_at_the_global_before_any_call()
    {
        // pickle.dumps of a __reduce__ returning (os.system, ("touch pwned",)), protocol 2.
        var marker = Path.Combine(SftFixtures.TempDir(), "pwned");
        var pickle = Bytes($"\u0080\u0002cos\nsystem\nq\u0000X{(char)marker.Length}\0\0\0{marker}q\u0001\u0085q\u0002Rq\u0003.");
        var error = Assert.Throws<InvalidInputException>(() => Load(pickle));
        Assert.Contains("pickle global 'os.system' is not allowed", error.Message);
        Assert.Contains("pickle byte 2", error.Message); // the GLOBAL opcode, before the REDUCE at the end
        Assert.Equal("test.pkl", error.Path);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Stack_global_of_builtins_eval_is_rejected_too()
    {
        // Protocol 4 spelling: SHORT_BINUNICODE 'builtins', SHORT_BINUNICODE 'eval', STACK_GLOBAL.
        var pickle = Bytes("\u0080\u0004\u008c\u0008builtins\u008c\u0004eval\u0093\u008c\u00041+1\u0085R.");
        Assert.Contains("'builtins.eval' is not allowed", Assert.Throws<InvalidInputException>(() => Load(pickle)).Message);
    }

    [Fact]
    public void Object_building_opcodes_and_calls_of_non_globals_are_rejected()
    {
        Assert.Contains("INST", Assert.Throws<InvalidInputException>(() => Load(Bytes("(ios\nsystem\n."))).Message);
        Assert.Contains("REDUCE on a str", Assert.Throws<InvalidInputException>(() => Load(Bytes("\u0080\u0002X\u0001\0\0\0a)R."))).Message);
        // torch.FloatStorage is allowed only inside a persistent id, never as a callable.
        Assert.Contains("cannot be called", Assert.Throws<InvalidInputException>(() => Load(Bytes("\u0080\u0002ctorch\nFloatStorage\n)R."))).Message);
    }

    [Fact]
    public void Truncated_and_malformed_pickles_are_clear_errors()
    {
        Assert.Contains("truncated", Assert.Throws<InvalidInputException>(() => Load(Bytes("\u0080\u0002X\u00ff\0\0\0abc"))).Message);
        Assert.Contains("truncated", Assert.Throws<InvalidInputException>(() => Load(Bytes("\u0080\u0002}q\u0000"))).Message);
        Assert.Contains("underflow", Assert.Throws<InvalidInputException>(() => Load(Bytes("\u0080\u0002\u0085."))).Message);
        Assert.Contains("memo entry 7", Assert.Throws<InvalidInputException>(() => Load(Bytes("\u0080\u0002h\u0007."))).Message);
    }

    [Fact]
    public void Writer_and_reader_agree_on_ints_strings_and_containers()
    {
        long[] ints = [0, 1, 255, 256, 65535, 65536, -1, -129, int.MaxValue, int.MinValue, (long)int.MaxValue + 1, long.MaxValue, long.MinValue, -(1L << 40)];
        var w = new PickleWriter();
        w.EmptyDict();
        w.Mark();
        w.Unicode("ints");
        w.EmptyList();
        w.Mark();
        foreach (var i in ints) w.Int(i);
        w.Appends();
        w.Unicode("text ü ħ 漢");
        w.Mark();
        w.Bool(true);
        w.None();
        w.Int(3);
        w.Int(4);
        w.TupleFromMark();
        w.SetItems();
        var root = Assert.IsType<PickleDict>(Load(w.Finish()));
        Assert.True(root.TryGetValue("ints", out var list));
        Assert.Equal(ints.Cast<object?>(), Assert.IsType<List<object?>>(list));
        Assert.True(root.TryGetValue("text ü ħ 漢", out var tuple));
        Assert.Equal(new object?[] { true, null, 3L, 4L }, Assert.IsType<PickleTuple>(tuple).Items);
    }

    [Fact]
    public void A_forbidden_global_inside_an_sft_archive_is_rejected_by_import()
    {
        var path = Path.Combine(SftFixtures.TempDir(), "pytorch_diff.bin");
        WriteArchive(path, Bytes("\u0080\u0002}q\u0000X\u0005\0\0\0diffsq\u0001cposix\nsystem\nq\u0002X\u0002\0\0\0lsq\u0003\u0085q\u0004Rq\u0005s."));
        var error = Assert.Throws<InvalidInputException>(() => ComposableSftFile.Import(path));
        Assert.Contains("'posix.system' is not allowed", error.Message);
        Assert.Contains("pytorch_diff/data.pkl", error.Message);
    }

    [SharedDataFact]
    public void A_truncated_archive_is_a_clear_error_naming_the_file()
    {
        var path = Path.Combine(SftFixtures.TempDir(), "pytorch_diff.bin");
        var bytes = File.ReadAllBytes(SftFixtures.DiffFile("task-tokcls"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InvalidInputException>(() => ComposableSftFile.Import(path));
        Assert.Equal(path, error.Path);
        Assert.Contains("truncated or corrupt", error.Message);
    }

    [Fact]
    public void Values_that_do_not_match_the_index_steps_name_the_tensor()
    {
        // {'diffs': {'w': {'size': torch.Size([4]), 'index_steps': [1, 2], 'values': tensor([0.5])}}}
        var w = new PickleWriter();
        w.EmptyDict(); w.Mark(); w.Unicode("diffs"); w.EmptyDict(); w.Mark(); w.Unicode("w"); w.EmptyDict(); w.Mark();
        w.Unicode("size"); w.Global("torch", "Size"); w.Int(4); w.Tuple(1); w.Tuple(1); w.Reduce();
        w.Unicode("index_steps"); w.EmptyList(); w.Mark(); w.Int(1); w.Int(2); w.Appends();
        w.Unicode("values"); w.Global("torch._utils", "_rebuild_tensor_v2"); w.Mark();
        w.Mark(); w.Unicode("storage"); w.Global("torch", "FloatStorage"); w.Unicode("0"); w.Unicode("cpu"); w.Int(1); w.TupleFromMark(); w.BinPersId();
        w.Int(0); w.Int(1); w.Tuple(1); w.Int(1); w.Tuple(1); w.Bool(false); w.Global("collections", "OrderedDict"); w.EmptyTuple(); w.Reduce();
        w.TupleFromMark(); w.Reduce();
        w.SetItems(); w.SetItems(); w.SetItems();
        var path = Path.Combine(SftFixtures.TempDir(), "pytorch_diff.bin");
        WriteArchive(path, w.Finish(), ("data/0", BitConverter.GetBytes(0.5f)));
        var error = Assert.Throws<InvalidInputException>(() => ComposableSftFile.Import(path));
        Assert.Contains("diff tensor 'w'", error.Message);
        Assert.Contains("2 index steps", error.Message);
    }

    private static void WriteArchive(string path, byte[] pickle, params (string Name, byte[] Data)[] members)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        void Add(string name, byte[] data)
        {
            using var s = zip.CreateEntry($"pytorch_diff/{name}", CompressionLevel.NoCompression).Open();
            s.Write(data);
        }
        Add("data.pkl", pickle);
        foreach (var (name, data) in members) Add(name, data);
        Add("version", "3\n"u8.ToArray());
    }
}
