using DslSft.IO.Formats.Torch;
using static TorchSharp.torch;

namespace DslSft.Models.Checkpoints;

/// <summary>
/// Reads a PyTorch <c>torch.save</c> zip checkpoint (<c>pytorch_model.bin</c>) of a state dict with the one torch.save
/// reader, <see cref="TorchArchiveReader"/>: an allow-listed unpickler (no code runs), zip members checked for size,
/// compression ratio and CRC-32, and every storage checked against the pickle. Tensors keep their stored dtype; tied
/// aliases (entries sharing a storage) come back as equal tensors.
/// </summary>
public static class PyTorchCheckpointFile
{
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var archive = TorchArchiveReader.Open(path, "checkpoint");
        if (archive.Root is not PickleDict root)
            throw new InvalidInputException($"not a state dict: the top-level object is a {PickleDescribe.TypeName(archive.Root)}, expected a dict of tensors", path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (key, value) in root.Items)
            {
                // A state dict's OrderedDict carries its '_metadata' attribute (module versions), which BUILD merges in.
                if (key is "_metadata" && value is PickleDict) continue;
                if (key is not string name || value is not TorchTensorRef tensor)
                    throw new InvalidInputException($"not a state dict: entry '{key}' is a {PickleDescribe.TypeName(value)}, expected a tensor", path);
                result[name] = archive.Materialize(tensor, $"tensor '{name}'");
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }
}
