using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Sft.Operations;

/// <summary>
/// Applying, reverting, composing and merging SFTs on a named-parameter view of a model
/// (HF parameter name → the parameter tensor itself, changed in place). Tied parameters may appear
/// under several names as the same tensor; a diff on one name then changes all of them, as in PyTorch.
/// </summary>
public static class SftOperations
{
    /// <summary>
    /// Adds <paramref name="sft"/>'s diffs to <paramref name="parameters"/> in place and (by default) replaces its abs
    /// tensors. Returns a handle whose <see cref="AppliedSft.Revert"/> restores the exact previous values.
    /// Everything is checked before anything is changed; a mismatch is an <see cref="InvalidInputException"/> naming the tensor.
    /// </summary>
    public static AppliedSft Apply(SparseFineTuning sft, IReadOnlyDictionary<string, Tensor> parameters, SftApplyOptions? options = null) =>
        Compose([sft], parameters, options);

    /// <summary>
    /// Applies several SFTs in one fused pass: per parameter, the union of their supports with values summed
    /// per entry (in list order), added with a single float32 addition per entry. Abs tensors of later SFTs
    /// replace those of earlier ones, as applying them one after another would.
    /// </summary>
    public static AppliedSft Compose(IReadOnlyList<SparseFineTuning> sfts, IReadOnlyDictionary<string, Tensor> parameters, SftApplyOptions? options = null)
    {
        options ??= SftApplyOptions.Default;
        if (sfts.Count == 0) throw new ArgumentException("no SFTs to apply", nameof(sfts));
        var checksums = new Dictionary<string, string>(StringComparer.Ordinal); // one hash per distinct diff-tensor set
        for (int i = 0; i < sfts.Count; i++)
        {
            var label = sfts.Count == 1 ? null : $"SFT {i + 1} of {sfts.Count}";
            CheckCompatible(sfts[i], parameters, options, label);
            if (options.VerifyBaseModel) ModelChecksum.Verify(sfts[i], parameters, label, checksums);
        }

        var merged = MergeDiffs(sfts);
        var absPlan = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (options.WithAbs)
            foreach (var sft in sfts)
                foreach (var (name, value) in sft.Abs)
                    if (parameters.ContainsKey(name)) absPlan[name] = value;

        var touched = new List<AppliedSft.TouchedDiff>();
        var replaced = new List<AppliedSft.ReplacedAbs>();
        var applied = new AppliedSft(touched, replaced, options.Backend);
        try
        {
            using (no_grad())
            {
                foreach (var (name, diff) in merged)
                {
                    if (diff.Count == 0) continue;
                    var target = parameters[name];
                    // Not disposed here or in Revert: on the same device these may share the SFT's own tensors.
                    var indices = diff.Indices.to(target.device);
                    var values = diff.Values.to(target.device);
                    using var flat = target.view(-1);
                    var originals = options.Backend.AddAndSaveOriginal(flat, indices, values);
                    touched.Add(new(name, target, indices, originals));
                }
                foreach (var (name, value) in absPlan)
                {
                    var target = parameters[name];
                    var original = target.detach().clone();
                    target.copy_(value);
                    replaced.Add(new(name, target, original));
                }
            }
        }
        catch
        {
            // Leave the model as it was: undo whatever part of the apply already happened.
            applied.Revert();
            throw;
        }
        return applied;
    }

    /// <summary>
    /// One SFT equivalent to applying <paramref name="sfts"/> together: diffs summed over the union of supports
    /// (in list order, as <see cref="Compose"/> does), abs tensors of later SFTs winning. The metadata keeps the
    /// base model and checksum when all inputs agree on them and on the diff tensor set, unless <paramref name="metadata"/> is given.
    /// </summary>
    public static SparseFineTuning Merge(IReadOnlyList<SparseFineTuning> sfts, SftMetadata? metadata = null)
    {
        if (sfts.Count == 0) throw new ArgumentException("no SFTs to merge", nameof(sfts));
        var diffs = MergeDiffs(sfts);
        var abs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var sft in sfts)
            foreach (var (name, value) in sft.Abs) abs[name] = value;
        if (metadata is null)
        {
            var first = sfts[0].Metadata;
            bool sameBase = sfts.All(s => s.Metadata.BaseModel == first.BaseModel);
            bool sameChecksum = sfts.All(s => s.Metadata.BaseModelChecksum == first.BaseModelChecksum &&
                                              s.Diffs.Keys.Order(StringComparer.Ordinal).SequenceEqual(diffs.Keys.Order(StringComparer.Ordinal)));
            metadata = new SftMetadata
            {
                BaseModel = sameBase ? first.BaseModel : null,
                BaseModelChecksum = sameBase && sameChecksum ? first.BaseModelChecksum : null,
                Method = "merged",
                K = diffs.Values.Sum(d => d.Count),
                TrainingArguments = new Dictionary<string, string>
                {
                    ["merged_from"] = string.Join(", ", sfts.Select(s => s.Metadata.Method ?? "unknown")),
                },
            };
        }
        return new SparseFineTuning(diffs, abs, metadata);
    }

    /// <summary>
    /// Checks that <paramref name="sft"/> fits the model: every diff and (when applied) abs tensor names a float32
    /// parameter of the same shape, and diff indices lie inside it. Throws <see cref="InvalidInputException"/> naming the tensor.
    /// </summary>
    public static void CheckCompatible(SparseFineTuning sft, IReadOnlyDictionary<string, Tensor> parameters, SftApplyOptions? options = null, string? sftLabel = null)
    {
        options ??= SftApplyOptions.Default;
        foreach (var (name, diff) in sft.Diffs)
        {
            var target = Parameter(parameters, name, "diff", sftLabel);
            CheckShape(name, diff.Shape, target, "diff", sftLabel);
            if (diff.Count > 0)
            {
                using var minTensor = diff.Indices.min();
                using var maxTensor = diff.Indices.max();
                long min = minTensor.item<long>(), max = maxTensor.item<long>();
                if (min < 0 || max >= diff.DenseSize)
                    throw new InvalidInputException($"diff tensor '{name}' has indices in [{min}, {max}] outside the {diff.DenseSize} elements of the parameter", sftLabel);
            }
            if (diff.Count > 1)
            {
                // Unique indices are what makes the gather/add/scatter exactly one add per entry; sorted is the format's promise.
                using var later = diff.Indices.narrow(0, 1, diff.Count - 1);
                using var earlier = diff.Indices.narrow(0, 0, diff.Count - 1);
                using var steps = later - earlier;
                using var smallest = steps.min();
                if (smallest.item<long>() <= 0)
                    throw new InvalidInputException($"diff tensor '{name}': indices are not strictly increasing (duplicates or unsorted)", sftLabel);
            }
        }
        if (!options.WithAbs) return;
        foreach (var (name, value) in sft.Abs)
        {
            if (!parameters.TryGetValue(name, out var target))
            {
                if (options.SkipMissingAbs) continue;
                throw new InvalidInputException($"abs tensor '{name}' is not a parameter of the model (apply without abs, or skip missing abs tensors, if the SFT's head does not belong to this model)", sftLabel);
            }
            CheckShape(name, value.shape, target, "abs", sftLabel);
            if (value.dtype != ScalarType.Float32) throw new InvalidInputException($"abs tensor '{name}' has dtype {value.dtype}, expected float32", sftLabel);
        }
    }

    private static Tensor Parameter(IReadOnlyDictionary<string, Tensor> parameters, string name, string kind, string? sftLabel)
    {
        if (!parameters.TryGetValue(name, out var target))
            throw new InvalidInputException($"{kind} tensor '{name}' is not a parameter of the model", sftLabel);
        if (target.dtype != ScalarType.Float32)
            throw new InvalidInputException($"parameter '{name}' has dtype {target.dtype}; SFTs apply to float32 parameters", sftLabel);
        if (!target.is_contiguous())
            throw new ArgumentException($"parameter '{name}' is not contiguous; the model must expose contiguous parameter tensors");
        return target;
    }

    private static void CheckShape(string name, long[] shape, Tensor target, string kind, string? sftLabel)
    {
        if (!shape.SequenceEqual(target.shape))
            throw new InvalidInputException($"{kind} tensor '{name}' has shape [{string.Join(", ", shape)}] but the model parameter has shape [{string.Join(", ", target.shape)}]", sftLabel);
    }

    private static Dictionary<string, SparseDiff> MergeDiffs(IReadOnlyList<SparseFineTuning> sfts)
    {
        var byName = new Dictionary<string, List<SparseDiff>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var sft in sfts)
            foreach (var (name, diff) in sft.Diffs)
            {
                if (!byName.TryGetValue(name, out var list)) { byName[name] = list = new(); order.Add(name); }
                list.Add(diff);
            }
        return order.ToDictionary(name => name, name => SparseDiffUnion.Sum(name, byName[name]), StringComparer.Ordinal);
    }
}
