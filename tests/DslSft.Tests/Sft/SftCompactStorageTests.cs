using System.Text.Json.Nodes;
using CsCheck;
using DslSft.Sft;
using DslSft.Sft.Formats;
using TorchSharp;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Sft;

/// <summary>
/// Compact SFT storage (format version 2): exact indices as int32 rows or flat indices, Q8_0 values within half a
/// block's scale, sizes as computed, and clear errors for malformed files.
/// </summary>
public class SftCompactStorageTests
{
    /// <summary>Whole rows of a 2-D tensor, scattered entries, a 1-D tensor, an empty diff, a tensor too large for int32 indices.</summary>
    private static SparseFineTuning Sample()
    {
        var random = new Random(7);
        float Value() => (float)((random.NextDouble() - 0.5) * Math.Pow(10, -random.Next(1, 6)));
        SparseDiff Diff(long[] shape, long[] indices, Func<int, float>? value = null) =>
            SparseDiff.FromArrays(shape, indices, indices.Select((_, i) => value?.Invoke(i) ?? Value()).ToArray());

        long[] rows = [1, 5, 6, 30];
        var diffs = new Dictionary<string, SparseDiff>
        {
            ["emb"] = Diff([40, 8], rows.SelectMany(r => Enumerable.Range(0, 8).Select(c => r * 8 + c)).ToArray(), i => i % 5 == 0 ? 0f : Value()),
            ["w"] = Diff([6, 10], [0, 3, 4, 9, 10, 11, 17, 22, 23, 30, 31, 32, 38, 41, 44, 45, 50, 51, 58, 59]),
            ["b"] = Diff([5], [0, 2, 3]),
            ["none"] = SparseDiff.Empty([3, 4]),
            ["huge"] = Diff([65536, 65536], [7, 65536L * 3 + 1, 65536L * 65536 - 1]),
        };
        var abs = new Dictionary<string, Tensor> { ["head.w"] = arange(6, dtype: float32).reshape(2, 3).div(7f) };
        var metadata = new SftMetadata { BaseModel = "tiny-bert", Method = "lt-sft", K = 55, TrainingArguments = new Dictionary<string, string> { ["seed"] = "42" } };
        return new SparseFineTuning(diffs, abs, metadata);
    }

    [Fact]
    public void Compact_storage_round_trips_indices_exactly_and_values_within_the_bound()
    {
        var path = Path.Combine(SftFixtures.TempDir(), "x.safetensors");
        var sft = Sample();
        SftFile.Save(sft, path, SftStorage.Compact);
        var loaded = SftFile.Load(path);

        AssertWithinBound(sft, loaded, path);
        foreach (var (name, t) in sft.Abs) Assert.True(SftFixtures.BitwiseEqual(t, loaded.Abs[name]), name);
        Assert.Equal("tiny-bert", loaded.Metadata.BaseModel);
        Assert.Equal(55, loaded.Metadata.K);
        Assert.Equal("42", loaded.Metadata.TrainingArguments["seed"]);
        Assert.All(loaded.Diffs.Values, d => Assert.Equal((ScalarType.Int64, ScalarType.Float32), (d.Indices.dtype, d.Values.dtype)));

        var document = Document(path);
        Assert.Equal(2, (int)document["version"]!);
        string Storage(string name) => $"{document["diff_storage"]![name]!["indices"]}/{document["diff_storage"]![name]!["values"]}";
        Assert.Equal("rows/q8_0", Storage("emb"));
        Assert.Equal("i32/q8_0", Storage("w"));
        Assert.Equal("i32/q8_0", Storage("b")); // 1-D: rows of one entry would save nothing
        Assert.Equal("rows/q8_0", Storage("none"));
        Assert.Equal("i64/q8_0", Storage("huge")); // 2^32 entries: flat indices need 64 bits
        var tensors = SafeTensorsFile.Read(path).Tensors;
        Assert.Equal(new[] { 1, 5, 6, 30 }, tensors["diff.rows/emb"].data<int>().ToArray());
        Assert.Equal(ScalarType.Int32, tensors["diff.indices/w"].dtype);
        Assert.Equal(ScalarType.Int8, tensors["diff.codes/w"].dtype);
        Assert.Equal(new long[] { 1 }, tensors["diff.scales/w"].shape);
        Assert.Equal(ScalarType.Float32, tensors["abs/head.w"].dtype);

        // Saving compact leaves the SFT itself untouched.
        SftFixtures.AssertSameTensors(Sample(), sft);
    }

    [Fact]
    public void Q8_0_matches_a_hand_computed_example()
    {
        // Block 1: absmax 1, so absmax/127 = 0.0078740… The nearest fp16 is 1032·2^-17 = 0.0078735…, below it, so the
        // stored scale is the next fp16 up, s = 1033·2^-17 = 0.00788116455078125 (bits 0x2009: exponent 2^-7, mantissa 9).
        // Codes: 1/s = 126.89 → 127; −0.5/s = −63.44 → −63; 0.25/s = 31.72 → 32; 0.003/s = 0.38 → 0; 0 → 0.
        // Decoded: 127·s = 131191·2^-17, −63·s = −65079·2^-17, 32·s = 33056·2^-17, 0, 0.
        // Block 2 (zeros, one of them −0): scale 0, codes 0. Block 3: one value 3e-9, whose absmax/127 is below fp16's
        // smallest subnormal, so s = 2^-24 (bits 0x0001) and the code is round(3e-9 / 2^-24) = round(0.05) = 0.
        var values = new float[] { 1f, -0.5f, 0.25f, 0.003f, 0f }.Concat(new float[27]).Concat([0f, -0f, 0f]).Concat(new float[29]).Append(3e-9f).ToArray();
        Assert.True(BlockQuantization.Q8_0.TryEncode(tensor(values), out var codes, out var scales));

        var q = codes.data<sbyte>().ToArray();
        Assert.Equal(new sbyte[] { 127, -63, 32, 0, 0 }, q[..5]);
        Assert.All(q[5..], c => Assert.Equal(0, c));
        var s = scales.data<Half>().ToArray();
        Assert.Equal(new ushort[] { 0x2009, 0x0000, 0x0001 }, s.Select(BitConverter.HalfToUInt16Bits));
        Assert.Equal(0.00788116455078125, (double)s[0]);

        var decoded = BlockQuantization.Q8_0.Decode(codes, scales, values.Length, "x", "x.safetensors").data<float>().ToArray();
        Assert.Equal(new[] { 131191f / 131072, -65079f / 131072, 33056f / 131072, 0f, 0f }, decoded[..5]);
        Assert.All(decoded[5..], v => Assert.Equal(0, BitConverter.SingleToInt32Bits(v))); // +0 everywhere, −0 included
    }

    [Fact]
    public void Q4_0_matches_a_hand_computed_example()
    {
        // Block 1 (32 values): absmax 1, so absmax/7 = 0.142857… The nearest fp16 is 1170·2^-13 = 0.142822…, below it,
        // so the stored scale is the next fp16 up, s = 1171·2^-13 = 0.1429443359375 (bits 0x3093).
        // Codes: 1/s = 6.996 → 7; −0.5/s = −3.498 → −3; 0.25/s = 1.749 → 2; −0.0714/s = −0.4997 → 0 (below half); 0 → 0.
        // Nibbles (code + 8): 15, 5, 10, 8, 8, … so bytes 0x5F, 0x8A, 0x88, …
        // Block 2: the single value −3, an odd count: s = 3/7 = 1755.4·2^-12 rounded up = 1756·2^-12 = 0.4287109375,
        // code −7, nibble 1 in the low half of the last byte, high nibble 0.
        var values = new float[] { 1f, -0.5f, 0.25f, -0.0714f, 0f }.Concat(new float[27]).Append(-3f).ToArray();
        Assert.True(BlockQuantization.Q4_0.TryEncode(tensor(values), out var codes, out var scales));

        Assert.Equal(ScalarType.Byte, codes.dtype);
        var q = codes.data<byte>().ToArray();
        Assert.Equal(17, q.Length);
        Assert.Equal(new byte[] { 0x5F, 0x8A, 0x88 }, q[..3]);
        Assert.All(q[3..16], b => Assert.Equal(0x88, b));
        Assert.Equal(0x01, q[16]);
        var s = scales.data<Half>().ToArray();
        Assert.Equal(0x3093, BitConverter.HalfToUInt16Bits(s[0]));
        Assert.Equal(0.1429443359375, (double)s[0]);
        Assert.Equal(0.4287109375, (double)s[1]);

        var decoded = BlockQuantization.Q4_0.Decode(codes, scales, values.Length, "x", "x.safetensors").data<float>().ToArray();
        Assert.Equal(new[] { 7 * 0.1429443359375f, -3 * 0.1429443359375f, 2 * 0.1429443359375f, 0f, 0f }, decoded[..5]);
        Assert.Equal(-7 * (float)s[1], decoded[32]);
    }

    [Fact]
    public void Storage_is_read_back_from_the_header()
    {
        var dir = SftFixtures.TempDir();
        foreach (var storage in new[] { SftStorage.Full, SftStorage.Compact, SftStorage.CompactQ4 })
        {
            var path = Path.Combine(dir, $"{storage}.safetensors");
            SftFile.Save(Sample(), path, storage);
            Assert.Equal(storage, SftFile.ReadStorage(path));
        }
    }

    [Fact]
    public void A_dense_diff_in_q4_costs_a_little_over_half_a_byte_per_value()
    {
        long[] shape = [2000, 384];
        long n = shape[0] * shape[1];
        var random = new Random(2);
        var values = new float[n];
        for (long i = 0; i < n; i++) values[i] = (float)(random.NextDouble() - 0.5) * 1e-3f;
        var sft = new SparseFineTuning(new Dictionary<string, SparseDiff> { ["t"] = new SparseDiff(shape, arange(n, dtype: int64), tensor(values)) }, new Dictionary<string, Tensor>());
        var path = Path.Combine(SftFixtures.TempDir(), "dense-q4.safetensors");
        SftFile.Save(sft, path, SftStorage.CompactQ4);
        long expectedData = 4 * shape[0] + n / 2 + 2 * BlockQuantization.BlockCount(n); // rows, nibble pairs, scales
        long headerBytes = 8 + (long)BitConverter.ToUInt64(File.ReadAllBytes(path).AsSpan(0, 8));
        Assert.Equal(expectedData, new FileInfo(path).Length - headerBytes);
        Assert.Equal("rows", (string)Document(path)["diff_storage"]!["t"]!["indices"]!);
        Assert.Equal("q4_0", (string)Document(path)["diff_storage"]!["t"]!["values"]!);
        AssertWithinBound(sft, SftFile.Load(path), path);
    }

    [Fact]
    public void A_dense_diff_stored_as_rows_costs_one_byte_and_a_sixteenth_per_value()
    {
        // Every entry of an embedding-like and a feed-forward-like tensor: no index bytes but 4 per row.
        long[][] shapes = [[2000, 384], [96, 1536]];
        var random = new Random(1);
        var diffs = shapes.Select((shape, t) =>
        {
            long n = shape[0] * shape[1];
            var values = new float[n];
            for (long i = 0; i < n; i++) values[i] = (float)(random.NextDouble() - 0.5) * 1e-3f;
            return (Name: $"t{t}", Diff: new SparseDiff(shape, arange(n, dtype: int64), tensor(values)));
        }).ToDictionary(x => x.Name, x => x.Diff);
        var sft = new SparseFineTuning(diffs, new Dictionary<string, Tensor>());
        var path = Path.Combine(SftFixtures.TempDir(), "dense.safetensors");
        SftFile.Save(sft, path, SftStorage.Compact);

        long count = shapes.Sum(s => s[0] * s[1]);
        long expectedData = shapes.Sum(s => 4 * s[0] + s[0] * s[1] + 2 * BlockQuantization.BlockCount(s[0] * s[1])); // rows, codes, scales
        long headerBytes = 8 + (long)BitConverter.ToUInt64(File.ReadAllBytes(path).AsSpan(0, 8));
        long fileBytes = new FileInfo(path).Length;
        Assert.Equal(expectedData, fileBytes - headerBytes);
        Assert.True(headerBytes < 2048, $"header {headerBytes} bytes");
        Assert.InRange((double)expectedData / count, 1.0625, 1.0625 + 4.0 / 384); // 1 + 2/32 + 4/row length
        Assert.InRange((double)fileBytes / count, 1.0625, 1.075);
        AssertWithinBound(sft, SftFile.Load(path), path);
    }

    [Fact]
    public void Dropping_zero_rows_keeps_changed_rows_whole_so_they_cost_no_index_bytes()
    {
        // A dense diff of a [10, 4] embedding where only rows 2 and 7 changed; the others are exact zeros (+0 or −0),
        // and row 7 has one stray exact zero, as an entry whose update rounds away can have.
        var values = new float[40];
        for (int c = 0; c < 4; c++) { values[2 * 4 + c] = 0.1f * (c + 1); values[7 * 4 + c] = -0.2f * (c + 1); }
        values[5] = -0f;
        values[7 * 4 + 2] = 0f;
        var dense = new SparseDiff([10, 4], arange(40, dtype: int64), tensor(values));
        var sft = new SparseFineTuning(new Dictionary<string, SparseDiff> { ["emb"] = dense }, new Dictionary<string, Tensor>(), new SftMetadata { K = 40 });

        var rows = sft.WithoutZeroRows();
        var (indices, kept) = rows.Diffs["emb"].ToArrays();
        Assert.Equal(new long[] { 8, 9, 10, 11, 28, 29, 30, 31 }, indices);
        Assert.Equal(new[] { 0.1f, 0.2f, 0.3f, 0.4f, -0.2f, -0.4f, 0f, -0.8f }, kept);
        Assert.Equal(8, rows.Metadata.K); // K counts the entries that remain
        Assert.Equal(40, sft.Diffs["emb"].Count); // the original is unchanged

        var entries = sft.WithoutZeroEntries();
        Assert.Equal(new long[] { 8, 9, 10, 11, 28, 29, 31 }, entries.Diffs["emb"].ToArrays().Indices);
        Assert.Equal(7, entries.Metadata.K);

        var path = Path.Combine(SftFixtures.TempDir(), "x.safetensors");
        SftFile.Save(rows, path, SftStorage.Compact);
        Assert.Equal("rows", (string)Document(path)["diff_storage"]!["emb"]!["indices"]!);
        Assert.Equal(new[] { 2, 7 }, SafeTensorsFile.Read(path).Tensors["diff.rows/emb"].data<int>().ToArray());
        AssertWithinBound(rows, SftFile.Load(path), path);
        SftFile.Save(entries, path, SftStorage.Compact);
        Assert.Equal("i32", (string)Document(path)["diff_storage"]!["emb"]!["indices"]!); // row 7 is no longer whole

        // 1-D tensors: a row is one entry.
        var (biasIndices, biasValues) = SparseDiff.FromArrays([5], [0, 1, 3], [0f, 2f, -0f]).WithoutZeroRows().ToArrays();
        Assert.Equal(new long[] { 1 }, biasIndices);
        Assert.Equal(new[] { 2f }, biasValues);
    }

    [Fact]
    public void Values_too_large_for_an_fp16_scale_stay_float32_exactly()
    {
        var diff = SparseDiff.FromArrays([4, 4], [1, 2, 9], [1e-3f, 3.4e38f, -2f]);
        var sft = new SparseFineTuning(new Dictionary<string, SparseDiff> { ["w"] = diff }, new Dictionary<string, Tensor>());
        var path = Path.Combine(SftFixtures.TempDir(), "x.safetensors");
        SftFile.Save(sft, path, SftStorage.Compact);
        Assert.Equal("f32", (string)Document(path)["diff_storage"]!["w"]!["values"]!);
        SftFixtures.AssertSameTensors(sft, SftFile.Load(path));
    }

    [Theory]
    [InlineData(SftStorage.Compact)]
    [InlineData(SftStorage.CompactQ4)]
    public void Random_sfts_round_trip_in_compact_storage(SftStorage compact)
    {
        float[] awkward = [0f, -0f, float.Epsilon, -float.Epsilon, 1e-38f, 1e-9f, 65504f * 127f, 1f / 3f];
        var dir = SftFixtures.TempDir();
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var diffs = new Dictionary<string, SparseDiff>();
            for (int t = random.Next(1, 4); t > 0; t--)
            {
                var shape = Enumerable.Range(0, random.Next(0, 4)).Select(_ => (long)random.Next(random.Next(10) == 0 ? 0 : 1, 9)).ToArray();
                long numel = shape.Aggregate(1L, (a, b) => a * b);
                long rowLength = shape.Length == 0 || shape[0] == 0 ? 1 : numel / shape[0];
                bool wholeRows = random.Next(2) == 0; // half the tensors select whole rows
                var chosenRows = Enumerable.Range(0, shape.Length == 0 ? 1 : (int)shape[0]).Where(_ => random.NextDouble() < 0.4).ToHashSet();
                var indices = Enumerable.Range(0, (int)numel)
                    .Where(i => wholeRows ? chosenRows.Contains((int)(i / rowLength)) : random.NextDouble() < 0.3).Select(i => (long)i).ToArray();
                var values = indices.Select(_ => random.Next(5) == 0 ? awkward[random.Next(awkward.Length)] : (float)((random.NextDouble() - 0.5) * Math.Pow(10, -random.Next(0, 8)))).ToArray();
                diffs[$"layer.{t}.weight"] = SparseDiff.FromArrays(shape, indices, values);
            }
            var sft = new SparseFineTuning(diffs, new Dictionary<string, Tensor>());
            var path = Path.Combine(dir, $"{Guid.NewGuid():N}.safetensors"); // CsCheck samples run in parallel
            SftFile.Save(sft, path, compact);
            AssertWithinBound(sft, SftFile.Load(path), path);
        }, iter: 40);
    }

    [Theory]
    [InlineData("nibble 0", "'w': Q4_0 code -8 at entry 2 is outside the range [-7, 7]")]
    [InlineData("unused nibble set", "'w': Q4_0 code byte 9 has a non-zero unused high nibble")]
    [InlineData("codes as int8", "tensor 'diff.codes/w' has dtype Int8, expected Byte")]
    [InlineData("one byte short", "'w': 19 indices need 10 Q4_0 code elements, the file has 9")]
    public void Malformed_q4_files_are_rejected_naming_the_tensor(string mutation, string expected)
    {
        // 'w' with 19 entries: 10 code bytes, the last one's high nibble unused.
        var sft = new SparseFineTuning(new Dictionary<string, SparseDiff>
        {
            ["w"] = SparseDiff.FromArrays([6, 10], Enumerable.Range(0, 19).Select(i => (long)i * 3).ToArray(), Enumerable.Range(0, 19).Select(i => 0.01f * (i - 9)).ToArray()),
        }, new Dictionary<string, Tensor>());
        var path = Path.Combine(SftFixtures.TempDir(), "q4.safetensors");
        SftFile.Save(sft, path, SftStorage.CompactQ4);
        var contents = SafeTensorsFile.Read(path);
        var tensors = new Dictionary<string, Tensor>(contents.Tensors);
        var codes = tensors["diff.codes/w"];
        tensors["diff.codes/w"] = mutation switch
        {
            "nibble 0" => codes.clone().index_put_(tensor((byte)(codes[1].item<byte>() & 0xF0), ScalarType.Byte), tensor(1L)),
            "unused nibble set" => codes.clone().index_put_(tensor((byte)(codes[9].item<byte>() | 0x80), ScalarType.Byte), tensor(9L)),
            "codes as int8" => codes.to(int8),
            "one byte short" => codes[..9],
            _ => throw new ArgumentException(mutation),
        };
        SafeTensorsFile.Write(path, tensors, contents.Metadata);
        var error = Assert.Throws<InvalidInputException>(() => SftFile.Load(path));
        Assert.Equal(path, error.Path);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("codes one short", "'w': 20 indices need 20 Q8_0 code elements, the file has 19")]
    [InlineData("scales one too many", "'w': 20 Q8_0 codes need 1 block scales")]
    [InlineData("NaN scale", "'w': Q8_0 block 0 has scale NaN")]
    [InlineData("infinite scale", "'w': Q8_0 block 0 has scale Infinity")]
    [InlineData("negative scale", "'w': Q8_0 block 0 has scale -0.5")]
    [InlineData("code -128", "'w': Q8_0 code -128 at entry 3")]
    [InlineData("rows unsorted", "'emb': row numbers are not strictly increasing at entry 1 (5 then 1)")]
    [InlineData("row out of range", "'emb': row number 40 at entry 3 is outside the tensor's 40 rows")]
    [InlineData("negative row", "'emb': row number -1 at entry 0 is negative")]
    [InlineData("rows of a huge tensor, few codes", "'emb': 4194304 indices need 4194304 Q8_0 code elements, the file has 32")]
    [InlineData("i32 indices unsorted", "'w': indices are not strictly increasing at entry 1")]
    [InlineData("int64 where int32 is recorded", "tensor 'diff.indices/w' has dtype Int64, expected Int32")]
    [InlineData("scales as float32", "tensor 'diff.scales/w' has dtype Float32, expected Float16")]
    [InlineData("unknown value storage", "diff_storage of 'w': 'values' must be one of \"f32\", \"q8_0\", \"q4_0\", got \"q2_k\"")]
    [InlineData("unknown index storage", "diff_storage of 'w': 'indices' must be one of \"i64\", \"i32\", \"rows\", got \"i16\"")]
    [InlineData("storage entry missing", "diff_storage has no object for diff tensor 'b'")]
    [InlineData("storage of an unknown tensor", "diff_storage names 'ghost', which is not in diff_shapes")]
    [InlineData("no storage in version 2", "version 2 needs 'diff_storage'")]
    [InlineData("storage in version 1", "'diff_storage' belongs to format version 2, but the file says version 1")]
    [InlineData("version 3", "version 3 is newer than this program supports (2)")]
    [InlineData("version 0", "version 0 is not a valid format version")]
    public void Malformed_compact_files_are_rejected_naming_the_file_and_the_tensor(string mutation, string expected)
    {
        var path = Path.Combine(SftFixtures.TempDir(), "x.safetensors");
        SftFile.Save(Sample(), path, SftStorage.Compact);
        var contents = SafeTensorsFile.Read(path);
        var tensors = new Dictionary<string, Tensor>(contents.Tensors);
        var document = Document(path);
        var storage = document["diff_storage"]!.AsObject();
        Tensor Scales(float first) => tensors["diff.scales/w"].clone().index_put_(tensor(first).to(float16), tensor(0L));
        switch (mutation)
        {
            case "codes one short": tensors["diff.codes/w"] = tensors["diff.codes/w"][..19]; break;
            case "scales one too many": tensors["diff.scales/w"] = cat([tensors["diff.scales/w"], tensors["diff.scales/w"]]); break;
            case "NaN scale": tensors["diff.scales/w"] = Scales(float.NaN); break;
            case "infinite scale": tensors["diff.scales/w"] = Scales(float.PositiveInfinity); break;
            case "negative scale": tensors["diff.scales/w"] = Scales(-0.5f); break;
            case "code -128": tensors["diff.codes/w"] = tensors["diff.codes/w"].clone().index_put_(tensor(-128).to(int8), tensor(3L)); break;
            case "rows unsorted": tensors["diff.rows/emb"] = tensor(new[] { 5, 1, 6, 30 }); break;
            case "row out of range": tensors["diff.rows/emb"] = tensor(new[] { 1, 5, 6, 40 }); break;
            case "negative row": tensors["diff.rows/emb"] = tensor(new[] { -1, 5, 6, 30 }); break;
            case "rows of a huge tensor, few codes": document["diff_shapes"]!["emb"] = new JsonArray(40, 1L << 20); break;
            case "i32 indices unsorted": tensors["diff.indices/w"] = tensors["diff.indices/w"].flip(0); break;
            case "int64 where int32 is recorded": tensors["diff.indices/w"] = tensors["diff.indices/w"].to(int64); break;
            case "scales as float32": tensors["diff.scales/w"] = tensors["diff.scales/w"].to(float32); break;
            case "unknown value storage": storage["w"]!["values"] = "q2_k"; break;
            case "unknown index storage": storage["w"]!["indices"] = "i16"; break;
            case "storage entry missing": storage.Remove("b"); break;
            case "storage of an unknown tensor": storage["ghost"] = new JsonObject { ["indices"] = "i32", ["values"] = "q8_0" }; break;
            case "no storage in version 2": document.Remove("diff_storage"); break;
            case "storage in version 1": document["version"] = 1; break;
            case "version 3": document["version"] = 3; break;
            case "version 0": document["version"] = 0; break;
            default: throw new ArgumentException(mutation);
        }
        var metadata = new Dictionary<string, string>(contents.Metadata) { [SftFile.MetadataKey] = document.ToJsonString() };
        SafeTensorsFile.Write(path, tensors, metadata);

        var error = Assert.Throws<InvalidInputException>(() => SftFile.Load(path));
        Assert.Equal(path, error.Path);
        Assert.Contains(expected, error.Message);
    }

    private static JsonObject Document(string path) => JsonNode.Parse(SafeTensorsFile.ReadMetadata(path)[SftFile.MetadataKey])!.AsObject();

    /// <summary>
    /// <paramref name="loaded"/> (read from <paramref name="path"/>) has exactly the indices and shapes of
    /// <paramref name="original"/>; float32-stored values are bit-identical; each Q8_0 value v' is within half its
    /// block's stored scale s of v (|v − v'| ≤ s/2, exactly, in double), s is absmax/127 rounded up to fp16
    /// (so s/2 ≤ absmax/254 · (1 + 2^-10) + 2^-25), and exact zeros come back as +0.
    /// </summary>
    internal static void AssertWithinBound(SparseFineTuning original, SparseFineTuning loaded, string path)
    {
        var storage = Document(path)["diff_storage"]!;
        var file = SafeTensorsFile.Read(path).Tensors;
        Assert.Equal(original.Diffs.Keys.Order(), loaded.Diffs.Keys.Order());
        foreach (var (name, diff) in original.Diffs)
        {
            var back = loaded.Diffs[name];
            Assert.Equal(diff.Shape, back.Shape);
            var (indices, values) = diff.ToArrays();
            var (backIndices, backValues) = back.ToArrays();
            Assert.Equal(indices, backIndices);
            if ((string)storage[name]!["values"]! == "f32")
            {
                Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), backValues.Select(BitConverter.SingleToInt32Bits));
                continue;
            }
            int maxCode = (string)storage[name]!["values"]! == "q4_0" ? 7 : 127;
            var scales = file["diff.scales/" + name].data<Half>().ToArray();
            Assert.Equal(BlockQuantization.BlockCount(values.Length), scales.Length);
            for (int b = 0; b < scales.Length; b++)
            {
                double s = (double)scales[b];
                var block = Enumerable.Range(b * BlockQuantization.BlockSize, Math.Min(BlockQuantization.BlockSize, values.Length - b * BlockQuantization.BlockSize)).ToArray();
                double absMax = block.Max(i => Math.Abs((double)values[i]));
                // (Messages are built only on failure: this runs once per block and value of large tensors.)
                if (s < absMax / maxCode * (1 - 1e-7)) Assert.Fail($"{name} block {b}: scale {s} below absmax/{maxCode} = {absMax / maxCode}");
                if (s > absMax / maxCode * (1 + Math.Pow(2, -10)) * (1 + 1e-7) + Math.Pow(2, -24)) Assert.Fail($"{name} block {b}: scale {s} too far above absmax/{maxCode} = {absMax / maxCode}");
                if ((absMax == 0) != (s == 0)) Assert.Fail($"{name} block {b}: scale {s} with absmax {absMax}");
                foreach (var i in block)
                {
                    if (values[i] == 0 && BitConverter.SingleToInt32Bits(backValues[i]) != 0) Assert.Fail($"{name}[{i}]: zero came back as {backValues[i]:R}");
                    double error = Math.Abs((double)values[i] - backValues[i]);
                    if (!(error <= s / 2)) Assert.Fail($"{name}[{i}]: |{values[i]:R} − {backValues[i]:R}| = {error} > s/2 = {s / 2}");
                }
            }
        }
    }
}
