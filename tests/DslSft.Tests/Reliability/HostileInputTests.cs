using System.IO.Compression;
using System.Text;
using DslSft.Data.Text;
using DslSft.Models;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.IO.Formats.Torch;
using DslSft.Tasks;
using DslSft.Tests.Cli;
using DslSft.Tests.Data;
using DslSft.Tests.Infrastructure;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Reliability;

/// <summary>
/// One test per class of hostile input: each is refused with exit code 2 (or an <see cref="InvalidInputException"/>
/// where only the library reads it) and a message naming the file, line or tensor; nothing hangs or is left behind.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>Runs the CLI in process; a hang fails the test instead of blocking the suite.</summary>
    private static CliRunner.Result Cli(params string[] args)
    {
        var run = Task.Run(() => CliRunner.Run(args));
        Assert.True(run.Wait(TimeSpan.FromSeconds(60)), $"dslsft {string.Join(' ', args)} did not finish within 60 s");
        return run.Result;
    }

    private static void AssertRefused(CliRunner.Result result, params string[] named)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}; stderr: {result.Stderr}");
        foreach (var text in named) Assert.Contains(text, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr); // no stack trace
    }

    private const float Marker = 1234.5f;

    /// <summary>A small SFT whose first value is <see cref="Marker"/>, so tests can find and corrupt its bytes.</summary>
    private static SparseFineTuning SmallSft(IReadOnlyDictionary<string, string>? arguments = null) =>
        new(new Dictionary<string, SparseDiff> { ["layer.weight"] = SparseDiff.FromArrays([3, 4], [1, 5, 7], [Marker, 2f, -3f]) },
            new Dictionary<string, Tensor> { ["head.bias"] = tensor(new[] { 0.5f, -0.5f }) },
            new SftMetadata { TrainingArguments = arguments ?? new Dictionary<string, string>() });

    private static void Overwrite(string path, float find, float replace)
    {
        var bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().IndexOf(BitConverter.GetBytes(find));
        Assert.True(at >= 0, "marker value not found in the file");
        BitConverter.GetBytes(replace).CopyTo(bytes, at);
        File.WriteAllBytes(path, bytes);
    }

    private string ModelWithConfig(string config)
    {
        var dir = _files.PathOf("model");
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(SharedData.Fixture("tiny-bert")))
            if (Path.GetFileName(file) is "model.safetensors" or "vocab.txt" or "tokenizer_config.json" or "special_tokens_map.json")
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)), overwrite: true);
        File.WriteAllText(Path.Combine(dir, "config.json"), config);
        return dir;
    }

    [Theory]
    [InlineData("", "config.json")]
    [InlineData("{\"model_type\": \"bert\", \"vocab_size\": 10", "config.json")]
    [InlineData("[1, 2, 3]", "must be a JSON object")]
    [InlineData("{\"vocab_size\": \"many\"}", "vocab_size")]
    [InlineData("{\"vocab_size\": 30, \"vocab_size\": 40}", "config.json")]
    [InlineData("{\"vocab_size\": 2147483647, \"hidden_size\": 32, \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"intermediate_size\": 37, \"architectures\": [\"BertForMaskedLM\"]}", "implausibly large")]
    [InlineData("{\"vocab_size\": 1124, \"hidden_size\": 2147483646, \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"intermediate_size\": 37, \"architectures\": [\"BertForMaskedLM\"]}", "hidden_size")]
    [InlineData("{\"vocab_size\": 1124, \"hidden_size\": 32, \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"intermediate_size\": 37, \"architectures\": [7]}", "architectures")]
    public void A_malformed_or_absurd_config_json_is_refused_before_anything_is_built(string config, string named)
    {
        var model = ModelWithConfig(config);
        var output = _files.PathOf("export");
        AssertRefused(Cli("export", "-m", model, "-o", output), "config.json", named);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void A_truncated_model_safetensors_is_refused_naming_the_file_and_the_tensor()
    {
        // Model weights go through the format layer's safetensors reader, with the same checks as SFT files.
        var model = ModelWithConfig(File.ReadAllText(SharedData.Fixture("tiny-bert", "config.json")));
        var weights = Path.Combine(model, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..^100]);
        var output = _files.PathOf("export");
        AssertRefused(Cli("export", "-m", model, "-o", output), weights, "truncated: tensor 'cls.predictions.transform.dense.weight'");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Sizes_that_overflow_64_bits_are_refused_naming_the_tensor()
    {
        // SFT safetensors: 2^33 x 2^33 float32 elements, while the data offsets claim 4 bytes.
        var header = "{\"__metadata__\":{\"dslsft.sft\":\"{}\"},\"diff.values/w\":{\"dtype\":\"F32\",\"shape\":[8589934592,8589934592],\"data_offsets\":[0,4]}}";
        var sft = _files.Bytes("big.safetensors", [.. BitConverter.GetBytes((ulong)header.Length), .. Encoding.UTF8.GetBytes(header), 0, 0, 0, 0]);
        var error = Assert.Throws<InvalidInputException>(() => SftFile.Load(sft));
        Assert.Contains("'diff.values/w'", error.Message);
        Assert.Contains("64 bits", error.Message);
        var model = Assert.Throws<InvalidInputException>(() => SafeTensorsFile.CheckHeader(sft));
        Assert.Contains("64 bits", model.Message);

        // torch.save tensor rebuilding: (size - 1) x stride past 2^63.
        var storage = new TorchStorageRef("0", "torch.FloatStorage", "cpu", 4);
        var rebuild = Assert.ThrowsAny<Exception>(() => TorchConstructors.RebuildTensor(
            [storage, 0L, new PickleTuple([1L << 40, 2L]), new PickleTuple([1L << 40, 1L]), false, new PickleDict()], m => new InvalidInputException(m, "x.bin")));
        Assert.IsType<InvalidInputException>(rebuild);
        Assert.Contains("64-bit", rebuild.Message);
    }

    [Fact]
    public void Symbolic_link_loops_directories_fifos_and_devices_are_refused_without_blocking()
    {
        var loop = _files.PathOf("loop.conllu");
        File.CreateSymbolicLink(loop, _files.PathOf("loop2.conllu"));
        File.CreateSymbolicLink(_files.PathOf("loop2.conllu"), loop);
        AssertRefused(Cli("data", loop), "loop.conllu", "loop of symbolic links");
        AssertRefused(Cli("inspect", loop), "loop.conllu");

        var directory = _files.PathOf("squad.json");
        Directory.CreateDirectory(directory);
        AssertRefused(Cli("data", directory, "--format", "squad"), "squad.json", "is a directory");
        Assert.Contains("is a directory", Assert.Throws<InvalidInputException>(() => LabelVocabulary.Load(directory)).Message);

        var fifo = _files.PathOf("pipe.conllu");
        Assert.Equal(0, System.Diagnostics.Process.Start("mkfifo", [fifo])!.WaitForExitAsync().ContinueWith(_ => 0).Result);
        SpinWait.SpinUntil(() => File.Exists(fifo), 5000);
        AssertRefused(Cli("data", fifo), "pipe.conllu", "FIFO");
        AssertRefused(Cli("data", "/dev/zero", "--format", "text"), "/dev/zero", "character device", "--allow-special-files");
        // Allowed explicitly, /dev/zero still cannot make a reader buffer without end.
        AssertRefused(Cli("data", "/dev/zero", "--format", "text", "--allow-special-files"), "/dev/zero", "longer than 64 MiB");
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_refused_with_its_line_number()
    {
        var path = _files.Text("long.txt", "short\n" + new string('x', 5000) + "\n");
        using var reader = new LineReader(path, maxLineBytes: 4096);
        Assert.Equal("short", reader.ReadLine());
        var error = Assert.Throws<InvalidInputException>(() => reader.ReadLine());
        Assert.Equal(2, error.Line);
        Assert.Contains("longer than 4 KiB", error.Message);
    }

    [Fact]
    public void Text_that_json_escapes_cannot_represent_and_odd_ids_are_refused_naming_the_line()
    {
        var jsonl = _files.Text("pairs.jsonl", "{\"premise\": \"a\", \"hypothesis\": \"b\", \"label\": \"x\"}\n{\"premise\": \"\\ud800\", \"hypothesis\": \"b\", \"label\": \"x\"}\n");
        AssertRefused(Cli("data", jsonl, "--format", "pairs"), "pairs.jsonl:2", "premise");
        var squad = "{\"data\": [{\"title\": \"t\", \"paragraphs\": [{\"context\": \"abc\", \"qas\": [{\"id\": ID, \"question\": \"Q\", \"answers\": []}]}]}]}";
        AssertRefused(Cli("data", _files.Text("surrogate.json", squad.Replace("ID", "\"ok\"").Replace("\"Q\"", "\"\\udc00\"")), "--format", "squad"), "surrogate.json:1", "surrogate");
        AssertRefused(Cli("data", _files.Text("id.json", squad.Replace("ID", "1.5")), "--format", "squad"), "id.json:1", "\"id\"");
        Assert.Equal(0, Cli("data", _files.Text("intid.json", squad.Replace("ID", "17")), "--format", "squad").ExitCode);
    }

    [Theory]
    [InlineData("[\"A\", null]", "label 1 is null")]
    [InlineData("[\"A\", \"A\"]", "appears more than once")]
    [InlineData("[\"A\", \"\"]", "label 1 is empty")]
    [InlineData("[\"A\", 3]", "JSON array of label strings")]
    public void Bad_label_sets_are_refused_in_labels_files_and_in_sft_metadata(string labels, string message)
    {
        var file = _files.Text("labels.json", labels);
        Assert.Contains(message, Assert.Throws<InvalidInputException>(() => LabelVocabulary.Load(file)).Message);

        var sft = _files.PathOf("task.safetensors");
        SftFile.Save(SmallSft(new Dictionary<string, string> { ["task"] = "pos", ["labels"] = labels }), sft);
        AssertRefused(Cli("inspect", sft), "task.safetensors", "'labels'", message);
    }

    [Fact]
    public void Unusable_output_paths_are_refused_before_any_work()
    {
        var sft = _files.PathOf("a.safetensors");
        SftFile.Save(SmallSft(), sft);
        var file = _files.Text("plain.txt", "not a directory");
        AssertRefused(Cli("merge", "--sft", sft, "-o", Path.Combine(file, "out")), "plain.txt", "is a file, not a directory");
        AssertRefused(Cli("merge", "--sft", sft, "-o", "/proc/dslsft-no-such-dir/out"), "/proc/dslsft-no-such-dir/out");
        var jsonDirectory = _files.PathOf("results");
        Directory.CreateDirectory(jsonDirectory);
        AssertRefused(Cli("inspect", sft, "--json", jsonDirectory), "results", "--json");
    }

    [Theory]
    [InlineData("--lr", "NaN")]
    [InlineData("--lr", "Infinity")]
    [InlineData("--proportion", "NaN")]
    [InlineData("--weight-decay", "-Infinity")]
    public void Non_finite_hyper_parameters_are_refused_before_training(string option, string value)
    {
        var args = new List<string> { "train-lang", "-m", SharedData.Fixture("tiny-bert"), "--train", _files.Text("t.txt", "a b c\n"), "-o", _files.PathOf("out"), option, value };
        if (option != "--proportion") args.AddRange(["--num-params", "10"]);
        AssertRefused(Cli([.. args]), option, "finite");
        Assert.False(Directory.Exists(_files.PathOf("out")));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_sft_values_are_refused_by_eval_compose_and_merge(float bad)
    {
        var sft = _files.PathOf("bad.safetensors");
        SftFile.Save(SmallSft(), sft);
        Overwrite(sft, Marker, bad);
        AssertRefused(Cli("merge", "--sft", sft, "-o", _files.PathOf("merged")), "bad.safetensors", "'layer.weight'", "not finite");
        AssertRefused(Cli("compose", "-m", SharedData.Fixture("tiny-bert"), "--sft", sft, "-o", _files.PathOf("composed")), "bad.safetensors", "not finite");
        AssertRefused(Cli("eval", "-t", "pos", "-m", SharedData.Fixture("tiny-bert"), "--sft", sft, "--data", SharedData.Ud("en_ewt-ud-dev.conllu")), "bad.safetensors", "not finite");
        Assert.Equal(["bad.safetensors"], Directory.GetFileSystemEntries(_files.Root).Select(Path.GetFileName));
    }

    [Fact]
    public void A_model_with_non_finite_weights_is_not_written()
    {
        var model = HfModel.Load(SharedData.Fixture("tiny-bert")).Model;
        using (no_grad()) ParameterTable.Build(model).Tensors["bert.embeddings.LayerNorm.bias"][0] = float.PositiveInfinity;
        var output = _files.PathOf("hf");
        var error = Assert.Throws<InvalidInputException>(() => HfModel.Save(model, output));
        Assert.Contains("'bert.embeddings.LayerNorm.bias'", error.Message);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void A_bit_flipped_pytorch_diff_bin_is_refused_naming_the_member()
    {
        var bin = _files.PathOf("pytorch_diff.bin");
        ComposableSftFile.Export(SmallSft(), bin);
        Overwrite(bin, Marker, BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(Marker) ^ 1));
        var error = Assert.Throws<InvalidInputException>(() => ComposableSftFile.Import(bin));
        Assert.Contains("CRC-32", error.Message);
        Assert.Contains("member 'pytorch_diff/data/0'", error.Message);
        AssertRefused(Cli("inspect", bin), "pytorch_diff.bin", "CRC-32");
    }

    [Fact]
    public void A_zip_bomb_and_a_pickle_of_marks_are_refused_before_they_take_memory()
    {
        // 64 MiB of zeros deflate to about 64 KB: refused from the sizes the archive declares, before inflating.
        var bomb = _files.PathOf("bomb.bin");
        using (var zip = ZipFile.Open(bomb, ZipArchiveMode.Create))
        using (var stream = zip.CreateEntry("archive/data.pkl", CompressionLevel.Fastest).Open())
        {
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) stream.Write(zeros);
        }
        Assert.True(new FileInfo(bomb).Length < 1 << 20);
        var error = Assert.Throws<InvalidInputException>(() => ComposableSftFile.Import(bomb));
        Assert.Contains("zip bomb", error.Message);
        Assert.Contains("archive/data.pkl", error.Message);

        // A stored pickle of 200,000 MARK opcodes: the mark stack is capped.
        var marks = _files.PathOf("marks.bin");
        using (var zip = ZipFile.Open(marks, ZipArchiveMode.Create))
        using (var stream = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open())
            stream.Write([0x80, 2, .. Enumerable.Repeat((byte)'(', 200_000)]);
        var nested = Assert.Throws<InvalidInputException>(() => ComposableSftFile.Import(marks));
        Assert.Contains("nested MARKs", nested.Message);
        Assert.Contains("marks.bin", nested.Message);
    }
}
