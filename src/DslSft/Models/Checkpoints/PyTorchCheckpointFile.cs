using System.Collections;
using System.IO.Compression;
using DslSft.IO;
using DslSft.Sft.Pickle;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace DslSft.Models.Checkpoints;

/// <summary>
/// Reads a PyTorch <c>torch.save</c> zip checkpoint (<c>pytorch_model.bin</c>) of a state dict through
/// TorchSharp.PyBridge's unpickler. Storage shared between entries (HF's tied aliases) is read once per entry,
/// so tied aliases come back as equal tensors.
/// </summary>
public static class PyTorchCheckpointFile
{
    public static Dictionary<string, Tensor> Read(string path)
    {
        InputFile.Check(path, "checkpoint");
        try
        {
            using var zip = ZipFile.OpenRead(path);
            if (!zip.Entries.Any(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl"))
                throw new InvalidInputException("not a PyTorch zip checkpoint: no */data.pkl entry (legacy non-zip torch.save files are not supported)", path);
            // The unpickler below trusts the archive: sizes, compression ratios and CRC-32s are checked first, in one pass.
            foreach (var entry in zip.Entries)
                ZipMember.Verify(entry, entry.Name == "data.pkl" ? TorchArchiveReader.MaxPickleBytes : long.MaxValue, path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            throw new InvalidInputException($"not a PyTorch zip checkpoint (or truncated): {e.Message}", path, inner: e);
        }
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception e) when (e is not InvalidInputException)
        {
            throw new InvalidInputException($"cannot read PyTorch checkpoint: {e.Message}", path, inner: e);
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is not string name || entry.Value is not Tensor tensor)
                throw new InvalidInputException($"not a state dict: entry '{entry.Key}' is {entry.Value?.GetType().Name ?? "null"}, expected a tensor", path);
            result[name] = tensor;
        }
        return result;
    }
}
