using DslSft.Sft.Formats;
using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Sft;

/// <summary>Reading composable-sft's pytorch_diff.bin against the facts the fixture generator recorded.</summary>
public class ComposableSftImportTests
{
    [SharedDataTheory]
    [InlineData("lang-mlm")]
    [InlineData("task-tokcls")]
    public void Import_matches_the_recorded_nnz_shapes_and_abs_tensors(string fixture)
    {
        var meta = SftFixtures.Meta(fixture);
        var sft = ComposableSftFile.Import(SftFixtures.DiffFile(fixture));

        var nnz = meta.GetProperty("diff_nnz_per_tensor").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(nnz.Keys.Order(), sft.Diffs.Keys.Order());
        foreach (var (name, count) in nnz) Assert.Equal(count, sft.Diffs[name].Count);
        Assert.Equal(meta.GetProperty("total_nnz").GetInt64(), sft.NonZeroCount);
        Assert.Equal(500, sft.NonZeroCount);
        // The pickle's dict order is the model's parameter order; the importer keeps it.
        Assert.Equal(nnz.Keys, sft.Diffs.Keys);

        foreach (var shape in meta.GetProperty("diff_shapes").EnumerateObject())
            Assert.Equal(shape.Value.EnumerateArray().Select(e => e.GetInt64()), sft.Diffs[shape.Name].Shape);

        var abs = meta.GetProperty("abs_tensors").EnumerateObject().ToList();
        Assert.Equal(abs.Select(a => a.Name), sft.Abs.Keys);
        foreach (var a in abs) Assert.Equal(a.Value.EnumerateArray().Select(e => e.GetInt64()), sft.Abs[a.Name].shape);

        var empty = meta.GetProperty("raw_file_facts").GetProperty("diff_tensors_with_zero_nnz").EnumerateArray().Select(e => e.GetString()!);
        Assert.Equal(empty.Order(), sft.Diffs.Where(d => d.Value.Count == 0).Select(d => d.Key).Order());
        sft.Validate();
    }

    [SharedDataTheory]
    [InlineData("lang-mlm")]
    [InlineData("task-tokcls")]
    public void Import_places_the_recorded_samples_at_their_row_major_index(string fixture)
    {
        var sft = ComposableSftFile.Import(SftFixtures.Dir(fixture)); // a directory works too
        foreach (var sample in SftFixtures.Meta(fixture).GetProperty("samples").EnumerateArray())
        {
            var name = sample.GetProperty("tensor").GetString()!;
            long rowMajor = sample.GetProperty("flat_row_major_index").GetInt64();
            long columnMajor = sample.GetProperty("linear_index_as_stored_column_major").GetInt64();
            var shape = sample.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal(columnMajor, ColumnMajorIndex.FromRowMajor(rowMajor, shape));

            var (indices, values) = sft.Diffs[name].ToArrays();
            int at = Array.IndexOf(indices, rowMajor);
            Assert.True(at >= 0, $"{name}: row-major index {rowMajor} not in the diff");
            // The JSON holds the float32 value widened to double; narrowing back is exact.
            Assert.Equal((float)sample.GetProperty("diff_value").GetDouble(), values[at]);
        }
    }

    [Fact]
    public void Readme_example_converts_both_ways()
    {
        // task-tokcls sample 2: value.weight [32,32], element (21, 7).
        Assert.Equal(245, ColumnMajorIndex.FromRowMajor(679, [32, 32]));
        Assert.Equal(679, ColumnMajorIndex.ToRowMajor(245, [32, 32]));
    }

    [Fact]
    public void Index_conversion_matches_enumeration_of_coordinates()
    {
        long[][] shapes = [[5], [3, 4], [2, 3, 4], [4, 1, 3], [2, 2, 2, 3], []];
        foreach (var shape in shapes)
        {
            long numel = shape.Aggregate(1L, (a, b) => a * b);
            var coords = new long[shape.Length];
            for (long rowMajor = 0; rowMajor < numel; rowMajor++)
            {
                long expectedLinear = 0, multiplier = 1;
                for (int k = 0; k < shape.Length; k++) { expectedLinear += coords[k] * multiplier; multiplier *= shape[k]; }
                Assert.Equal(expectedLinear, ColumnMajorIndex.FromRowMajor(rowMajor, shape));
                Assert.Equal(rowMajor, ColumnMajorIndex.ToRowMajor(expectedLinear, shape));
                for (int k = shape.Length - 1; k >= 0; k--) { if (++coords[k] < shape[k]) break; coords[k] = 0; } // row-major odometer
            }
        }
    }

    [Fact]
    public void Index_conversion_uses_64_bit_arithmetic_beyond_int32()
    {
        long[] shape = [250_002, 20_000]; // 5e9 elements: int32 linear indices would overflow
        long rowMajor = 250_001L * 20_000 + 19_999;
        long linear = ColumnMajorIndex.FromRowMajor(rowMajor, shape);
        Assert.Equal(250_001L + 19_999L * 250_002, linear);
        Assert.Equal(rowMajor, ColumnMajorIndex.ToRowMajor(linear, shape));
    }
}
