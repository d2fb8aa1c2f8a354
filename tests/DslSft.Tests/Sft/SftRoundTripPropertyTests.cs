using CsCheck;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Sft.Operations;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Sft;

/// <summary>Random SFTs (0–3 dims, empty tensors, awkward float values): both file formats round-trip exactly, and apply → revert is the identity.</summary>
public class SftRoundTripPropertyTests
{
    private static readonly float[] Awkward = [0f, -0f, float.Epsilon, -float.Epsilon, 1e-38f, float.MaxValue, float.MinValue, 1f / 3f];

    private static (SparseFineTuning Sft, Dictionary<string, Tensor> Model) RandomCase(int seed)
    {
        var random = new Random(seed);
        var diffs = new Dictionary<string, SparseDiff>();
        var abs = new Dictionary<string, Tensor>();
        var model = new Dictionary<string, Tensor>();
        int tensors = random.Next(1, 4);
        for (int t = 0; t < tensors; t++)
        {
            var shape = Enumerable.Range(0, random.Next(0, 4)).Select(_ => (long)random.Next(random.Next(10) == 0 ? 0 : 1, 8)).ToArray();
            long numel = shape.Aggregate(1L, (a, b) => a * b);
            var indices = Enumerable.Range(0, (int)numel).Where(_ => random.NextDouble() < 0.3).Select(i => (long)i).ToArray();
            var values = indices.Select(_ => random.Next(4) == 0 ? Awkward[random.Next(Awkward.Length)] : (float)(random.NextDouble() - 0.5)).ToArray();
            var name = $"layer.{t}.weight";
            diffs[name] = SparseDiff.FromArrays(shape, indices, values);
            model[name] = randn(shape);
            if (random.Next(3) == 0)
            {
                var headShape = new long[] { random.Next(1, 5), random.Next(1, 5) };
                abs[$"head.{t}"] = randn(headShape);
                model[$"head.{t}"] = randn(headShape);
            }
        }
        var metadata = new SftMetadata { BaseModel = $"random-{seed}", Method = "random", K = diffs.Values.Sum(d => d.Count) };
        return (new SparseFineTuning(diffs, abs, metadata), model);
    }

    [Fact]
    public void Both_formats_round_trip_random_sfts_exactly()
    {
        var dir = SftFixtures.TempDir();
        Gen.Int.Sample(seed =>
        {
            var (sft, _) = RandomCase(seed);
            var bin = Path.Combine(dir, $"{Guid.NewGuid():N}.bin"); // CsCheck samples run in parallel
            ComposableSftFile.Export(sft, bin);
            SftFixtures.AssertSameTensors(sft, ComposableSftFile.Import(bin));
            var ours = Path.Combine(dir, $"{Guid.NewGuid():N}.safetensors");
            SftFile.Save(sft, ours);
            var loaded = SftFile.Load(ours);
            SftFixtures.AssertSameTensors(sft, loaded);
            Assert.Equal(sft.Metadata.BaseModel, loaded.Metadata.BaseModel);
        }, iter: 40);
    }

    [Fact]
    public void Apply_then_revert_is_the_identity_on_random_models()
    {
        Gen.Int.Sample(seed =>
        {
            var (sft, model) = RandomCase(seed);
            var before = SftFixtures.Clone(model);
            var applied = SftOperations.Apply(sft, model);
            foreach (var (name, diff) in sft.Diffs)
            {
                // Each touched entry got exactly one float32 addition.
                var (idx, val) = diff.ToArrays();
                var now = TensorBytes.ToArray<float>(model[name]);
                var was = TensorBytes.ToArray<float>(before[name]);
                for (int i = 0; i < idx.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(was[idx[i]] + val[i]), BitConverter.SingleToInt32Bits(now[idx[i]]));
            }
            applied.Revert();
            SftFixtures.AssertBitwiseEqual(before, model);
        }, iter: 40);
    }
}
