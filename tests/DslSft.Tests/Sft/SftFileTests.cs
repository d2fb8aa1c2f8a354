using System.Buffers.Binary;
using System.Text;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Sft.Operations;
using DslSft.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Sft;

/// <summary>DslSft's own SFT file (safetensors + metadata): exact round trips and clear errors for bad files.</summary>
public class SftFileTests
{
    private static SparseFineTuning Sample()
    {
        var diffs = new Dictionary<string, SparseDiff>
        {
            ["enc.w"] = SparseDiff.FromArrays([3, 4], [0, 5, 11], [0.25f, -1.5e-7f, float.Epsilon]),
            ["enc.b"] = SparseDiff.Empty([4]),
            ["emb"] = SparseDiff.FromArrays([2, 3, 2], [1, 7], [-0f, 3.4e38f]),
        };
        var abs = new Dictionary<string, Tensor> { ["head.w"] = arange(6, dtype: float32).reshape(2, 3).div(7f), ["head.b"] = tensor(new[] { 1f, -2f }) };
        var metadata = new SftMetadata
        {
            BaseModel = "tiny-bert",
            BaseModelChecksum = "sha256:" + new string('a', 64),
            Method = "lt-sft",
            K = 5,
            TrainingArguments = new Dictionary<string, string> { ["learning_rate"] = "0.001", ["seed"] = "42", ["ünïcode"] = "ok" },
        };
        return new SparseFineTuning(diffs, abs, metadata);
    }

    [Fact]
    public void Save_then_load_is_exact_including_metadata_and_order()
    {
        var dir = SftFixtures.TempDir();
        var path = Path.Combine(dir, "task.sft.safetensors");
        var sft = Sample();
        SftFile.Save(sft, path);
        var loaded = SftFile.Load(path);

        SftFixtures.AssertSameTensors(sft, loaded);
        Assert.Equal(sft.Diffs.Keys, loaded.Diffs.Keys);
        Assert.Equal(sft.Abs.Keys, loaded.Abs.Keys);
        Assert.Equal(sft.Metadata.BaseModel, loaded.Metadata.BaseModel);
        Assert.Equal(sft.Metadata.BaseModelChecksum, loaded.Metadata.BaseModelChecksum);
        Assert.Equal(sft.Metadata.Method, loaded.Metadata.Method);
        Assert.Equal(sft.Metadata.K, loaded.Metadata.K);
        Assert.Equal(sft.Metadata.TrainingArguments.OrderBy(kv => kv.Key), loaded.Metadata.TrainingArguments.OrderBy(kv => kv.Key));
        Assert.Equal("lt-sft", SftFile.ReadMetadata(path).Method);
        Assert.Single(Directory.GetFiles(dir)); // atomic write leaves no temporary behind
    }

    [Fact]
    public void Full_storage_writes_the_version_1_bytes_unchanged()
    {
        // The snapshot was written by the version-1 writer before compact storage existed.
        var path = Path.Combine(SftFixtures.TempDir(), "x.safetensors");
        SftFile.Save(Sample(), path);
        var bytes = File.ReadAllBytes(path);
        Snapshot.Verify(HexDump(bytes));
        SftFile.Save(Sample(), path, SftStorage.Full);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [SharedDataTheory]
    [InlineData("lang-mlm")]
    [InlineData("task-tokcls")]
    public void Imported_fixtures_round_trip_through_our_format(string fixture)
    {
        var sft = ComposableSftFile.Import(SftFixtures.DiffFile(fixture));
        var path = Path.Combine(SftFixtures.TempDir(), "x.safetensors");
        SftFile.Save(sft, path);
        var loaded = SftFile.Load(path);
        SftFixtures.AssertSameTensors(sft, loaded);
        Assert.Equal("imported", loaded.Metadata.Method);
        Assert.Equal(500, loaded.Metadata.K);
    }

    [Fact]
    public void The_file_is_plain_safetensors_with_the_metadata_in_the_header()
    {
        var path = Path.Combine(SftFixtures.TempDir(), "x.safetensors");
        SftFile.Save(Sample(), path);
        var contents = SafeTensorsFile.Read(path);
        Assert.Equal("pt", contents.Metadata["format"]);
        Assert.Contains("\"base_model\":\"tiny-bert\"", contents.Metadata[SftFile.MetadataKey]);
        Assert.Equal(ScalarType.Int64, contents.Tensors["diff.indices/enc.w"].dtype);
        Assert.Equal(new long[] { 0, 5, 11 }, contents.Tensors["diff.indices/enc.w"].data<long>().ToArray());
        Assert.Equal(new long[] { 2, 3 }, contents.Tensors["abs/head.w"].shape);
        // Data section starts 8-byte aligned (header padded), so the int64 tensors are aligned.
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes) % 8);
    }

    [Fact]
    public void A_truncated_file_names_the_file_and_the_tensor()
    {
        var path = Path.Combine(SftFixtures.TempDir(), "x.safetensors");
        SftFile.Save(Sample(), path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        var error = Assert.Throws<InvalidInputException>(() => SftFile.Load(path));
        Assert.Equal(path, error.Path);
        Assert.Contains("tensor '", error.Message);
        Assert.Contains("truncated", error.Message);

        File.WriteAllBytes(path, bytes[..5]);
        Assert.Contains("too short", Assert.Throws<InvalidInputException>(() => SftFile.Load(path)).Message);
        File.WriteAllBytes(path, bytes[..40]);
        Assert.Contains("header length", Assert.Throws<InvalidInputException>(() => SftFile.Load(path)).Message);
    }

    [Fact]
    public void Inconsistent_headers_are_reported_with_the_tensor_name()
    {
        var path = Path.Combine(SftFixtures.TempDir(), "x.safetensors");
        WriteRaw(path, """{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", new byte[24]);
        var error = Assert.Throws<InvalidInputException>(() => SafeTensorsFile.Read(path));
        Assert.Contains("tensor 'w'", error.Message);
        Assert.Contains("needs 24", error.Message);

        WriteRaw(path, """{"w":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}""", new byte[2]);
        Assert.Contains("dtype F8_E4M3", Assert.Throws<InvalidInputException>(() => SafeTensorsFile.Read(path)).Message);
        WriteRaw(path, """{"w": [1, 2""", new byte[4]);
        Assert.Contains("not valid JSON", Assert.Throws<InvalidInputException>(() => SafeTensorsFile.Read(path)).Message);
    }

    [SharedDataFact]
    public void A_model_file_is_not_an_sft_file()
    {
        var error = Assert.Throws<InvalidInputException>(() => SftFile.Load(SharedData.Fixture("tiny-bert", "model.safetensors")));
        Assert.Contains("not a DslSft SFT file", error.Message);
    }

    [Fact]
    public void Unsorted_indices_in_a_file_are_rejected_naming_the_tensor()
    {
        var path = Path.Combine(SftFixtures.TempDir(), "x.safetensors");
        SftFile.Save(Sample(), path);
        var contents = SafeTensorsFile.Read(path);
        var tensors = new Dictionary<string, Tensor>(contents.Tensors) { ["diff.indices/enc.w"] = tensor(new long[] { 5, 0, 11 }) };
        SafeTensorsFile.Write(path, tensors, contents.Metadata);
        var error = Assert.Throws<InvalidInputException>(() => SftFile.Load(path));
        Assert.Contains("'enc.w'", error.Message);
        Assert.Contains("strictly increasing", error.Message);
    }

    [Fact]
    public void A_dtype_that_safetensors_allows_but_sfts_do_not_is_rejected_naming_the_tensor()
    {
        // The format layer reads BF16 (model weights need it); an SFT's values must still be float32.
        var path = Path.Combine(SftFixtures.TempDir(), "x.safetensors");
        SftFile.Save(Sample(), path);
        var contents = SafeTensorsFile.Read(path);
        var tensors = new Dictionary<string, Tensor>(contents.Tensors);
        tensors["diff.values/enc.w"] = tensors["diff.values/enc.w"].to(bfloat16);
        SafeTensorsFile.Write(path, tensors, contents.Metadata);
        Assert.Equal(ScalarType.BFloat16, SafeTensorsFile.Read(path).Tensors["diff.values/enc.w"].dtype);
        var error = Assert.Throws<InvalidInputException>(() => SftFile.Load(path));
        Assert.Equal(path, error.Path);
        Assert.Contains("tensor 'diff.values/enc.w' has dtype BFloat16, expected Float32", error.Message);
    }

    [Fact]
    public void Checksum_is_deterministic_and_sees_every_bit()
    {
        var a = new Dictionary<string, Tensor> { ["x"] = arange(10, dtype: float32), ["y"] = ones(2, 3), ["z"] = zeros(1) };
        var b = new Dictionary<string, Tensor> { ["z"] = zeros(1), ["y"] = ones(2, 3), ["x"] = arange(10, dtype: float32) };
        var sum = ModelChecksum.Compute(a, ["x", "y"]);
        Assert.StartsWith("sha256:", sum);
        Assert.Equal(sum, ModelChecksum.Compute(b, ["y", "x"])); // independent of dictionary and argument order
        Assert.NotEqual(sum, ModelChecksum.Compute(a, ["x", "y", "z"]));
        var values = a["x"].data<float>().ToArray();
        values[3] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(values[3]) + 1); // one ulp
        var flipped = tensor(values);
        Assert.NotEqual(sum, ModelChecksum.Compute(new Dictionary<string, Tensor>(a) { ["x"] = flipped }, ["x", "y"]));
        Assert.NotEqual(sum, ModelChecksum.Compute(new Dictionary<string, Tensor>(a) { ["y"] = ones(3, 2) }, ["x", "y"])); // shape counts
    }

    /// <summary>16 bytes a line: offset, hex, and the printable ASCII (so the header's JSON reads in a diff).</summary>
    private static string HexDump(byte[] bytes)
    {
        var text = new StringBuilder();
        for (int offset = 0; offset < bytes.Length; offset += 16)
        {
            var line = bytes.AsSpan(offset, Math.Min(16, bytes.Length - offset));
            text.Append($"{offset:x8}  {Convert.ToHexStringLower(line),-32}  ");
            foreach (var b in line) text.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
            text.Append('\n');
        }
        return text.ToString();
    }

    private static void WriteRaw(string path, string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        using var f = File.Create(path);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)h.Length);
        f.Write(len);
        f.Write(h);
        f.Write(data);
    }
}
