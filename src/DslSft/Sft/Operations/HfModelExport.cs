using DslSft.IO;
using DslSft.Sft.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Sft.Operations;

/// <summary>
/// Writes a composed model as a Hugging Face model directory: the base directory's config and tokenizer files
/// plus a <c>model.safetensors</c> with the given state dict, all published atomically (temp dir + rename).
/// </summary>
public static class HfModelExport
{
    /// <summary>Weight files of the base directory that the new model.safetensors replaces (never copied).</summary>
    private static readonly string[] WeightPatterns =
        ["*.safetensors", "*.bin", "*.pt", "*.pth", "*.h5", "*.msgpack", "*.ckpt", "*.onnx", "*.index.json"];

    /// <summary>
    /// Copies the top-level non-weight files of <paramref name="baseModelDirectory"/> (config.json, vocab.txt,
    /// tokenizer files, ...) to <paramref name="outputDirectory"/>, overriding any listed in <paramref name="replaceFiles"/>
    /// (file name → text, e.g. a task config.json), and writes <paramref name="stateDict"/> as model.safetensors.
    /// Tensors sharing memory with an earlier entry (tied weights such as an MLM decoder) are written once, under
    /// the first name, as HF's own writer does. Returns the tensor names written.
    /// </summary>
    public static IReadOnlyList<string> Write(string baseModelDirectory, IReadOnlyDictionary<string, Tensor> stateDict, string outputDirectory,
        bool overwrite = false, IReadOnlyDictionary<string, string>? replaceFiles = null)
    {
        if (!Directory.Exists(baseModelDirectory)) throw new InvalidInputException("base model directory not found", baseModelDirectory);
        var written = new List<string>();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var seen = new HashSet<(nint, long, string)>();
        foreach (var (name, tensor) in stateDict)
        {
            // Same data pointer, offset and shape = a tied alias of a tensor already written.
            var key = (DataAddress(tensor), tensor.storage_offset(), string.Join(",", tensor.shape));
            if (!seen.Add(key)) continue;
            tensors.Add(new(name, tensor));
            written.Add(name);
        }
        AtomicFile.WriteDirectory(outputDirectory, temp =>
        {
            var weights = WeightPatterns.SelectMany(p => Directory.EnumerateFiles(baseModelDirectory, p)).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(baseModelDirectory))
            {
                var fileName = Path.GetFileName(file);
                if (weights.Contains(fileName) || (replaceFiles?.ContainsKey(fileName) ?? false)) continue;
                File.Copy(file, Path.Combine(temp, fileName));
            }
            if (replaceFiles is not null)
                foreach (var (fileName, text) in replaceFiles) File.WriteAllText(Path.Combine(temp, fileName), text);
            SafeTensorsFile.Write(Path.Combine(temp, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }, overwrite);
        return written;
    }

    private static nint DataAddress(Tensor tensor) => tensor.numel() == 0 || tensor.device_type != DeviceType.CPU
        ? tensor.Handle
        : tensor.dtype switch
        {
            ScalarType.Float32 => (nint)tensor.storage<float>().data_ptr(),
            ScalarType.Int64 => (nint)tensor.storage<long>().data_ptr(),
            ScalarType.Int32 => (nint)tensor.storage<int>().data_ptr(),
            _ => tensor.Handle,
        };
}
