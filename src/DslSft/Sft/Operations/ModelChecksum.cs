using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using DslSft.Sft.Formats;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Sft.Operations;

/// <summary>
/// A deterministic fingerprint of a model's weights: SHA-256 over the named tensors in ordinal name order,
/// each contributing its UTF-8 name, a zero byte, its dtype and shape, and its raw little-endian data.
/// An SFT records the checksum of the base tensors it has diffs for (<see cref="SftMetadata.BaseModelChecksum"/>),
/// so applying it to other weights can be refused.
/// </summary>
public static class ModelChecksum
{
    public const string Prefix = "sha256:";

    /// <summary>Checksum of <paramref name="names"/> in <paramref name="parameters"/> (missing names are an error).</summary>
    public static string Compute(IReadOnlyDictionary<string, Tensor> parameters, IEnumerable<string> names)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        foreach (var name in names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (!parameters.TryGetValue(name, out var tensor))
                throw new InvalidInputException($"cannot compute the base-model checksum: the model has no parameter '{name}'");
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData([0]);
            hash.AppendData(Encoding.ASCII.GetBytes(tensor.dtype.ToString()));
            BinaryPrimitives.WriteInt64LittleEndian(number, tensor.dim());
            hash.AppendData(number);
            foreach (var d in tensor.shape)
            {
                BinaryPrimitives.WriteInt64LittleEndian(number, d);
                hash.AppendData(number);
            }
            using var cpu = tensor.detach().cpu().contiguous();
            foreach (var chunk in TensorBytes.Chunks(cpu)) hash.AppendData(chunk.Span);
        }
        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The checksum an SFT with these diff tensors records: over the base values of exactly those tensors.</summary>
    public static string ForSft(IReadOnlyDictionary<string, Tensor> baseParameters, SparseFineTuning sft) => Compute(baseParameters, sft.Diffs.Keys);

    /// <summary>
    /// Throws <see cref="InvalidInputException"/> when <paramref name="sft"/> records a base-model checksum and
    /// <paramref name="parameters"/> do not match it. SFTs without a checksum (for example imported ones) pass.
    /// </summary>
    public static void Verify(SparseFineTuning sft, IReadOnlyDictionary<string, Tensor> parameters, string? sftSource = null) =>
        Verify(sft, parameters, sftSource, cache: null);

    internal static void Verify(SparseFineTuning sft, IReadOnlyDictionary<string, Tensor> parameters, string? sftSource, Dictionary<string, string>? cache)
    {
        var expected = sft.Metadata.BaseModelChecksum;
        if (string.IsNullOrEmpty(expected)) return;
        var key = string.Join("\n", sft.Diffs.Keys.Order(StringComparer.Ordinal));
        if (cache is null || !cache.TryGetValue(key, out var actual))
        {
            actual = ForSft(parameters, sft);
            if (cache is not null) cache[key] = actual;
        }
        if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            var baseName = sft.Metadata.BaseModel is { } b ? $" '{b}'" : "";
            throw new InvalidInputException(
                $"this SFT was trained on another base model{baseName}: its base-model checksum is {expected}, " +
                $"but the weights it would be applied to have {actual}", sftSource);
        }
    }
}
