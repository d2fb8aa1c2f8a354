using static TorchSharp.torch;

namespace DslSft.IO.Formats.Torch;

/// <summary>The typed storage classes torch.save names in persistent ids, and the dtype each holds.</summary>
internal static class TorchStorageTypes
{
    private static readonly Dictionary<string, ScalarType> DTypes = new(StringComparer.Ordinal)
    {
        ["torch.FloatStorage"] = ScalarType.Float32,
        ["torch.DoubleStorage"] = ScalarType.Float64,
        ["torch.HalfStorage"] = ScalarType.Float16,
        ["torch.BFloat16Storage"] = ScalarType.BFloat16,
        ["torch.LongStorage"] = ScalarType.Int64,
        ["torch.IntStorage"] = ScalarType.Int32,
        ["torch.ShortStorage"] = ScalarType.Int16,
        ["torch.CharStorage"] = ScalarType.Int8,
        ["torch.ByteStorage"] = ScalarType.Byte,
        ["torch.BoolStorage"] = ScalarType.Bool,
    };

    public static IEnumerable<string> Names => DTypes.Keys;

    public static bool TryGetDType(string storageType, out ScalarType dtype) => DTypes.TryGetValue(storageType, out dtype);
}
