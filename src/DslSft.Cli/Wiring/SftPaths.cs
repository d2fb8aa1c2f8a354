using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Tasks;

namespace DslSft.Cli.Wiring;

/// <summary>
/// Where SFTs live on disk. An SFT directory written by the CLI holds <see cref="SftFileName"/> (DslSft's format),
/// and training adds its log and loss plot beside it; a composable-sft directory holds <c>pytorch_diff.bin</c>.
/// <c>--sft</c> accepts either directory or the file itself.
/// </summary>
public static class SftPaths
{
    public const string SftFileName = "sft.safetensors";

    /// <summary>Loads an SFT from a DslSft file, a composable-sft <c>pytorch_diff.bin</c>, or a directory holding one of them.</summary>
    public static SparseFineTuning Load(string path)
    {
        var file = Resolve(path);
        var sft = file.EndsWith(".bin", StringComparison.OrdinalIgnoreCase) ? ComposableSftFile.Import(file) : SftFile.Load(file);
        // The recorded label set is read in several places later; checked once here, where the file can be named.
        if (sft.Metadata.TrainingArguments.GetValueOrDefault(Tasks.TaskWirings.LabelsArgument) is { } labels)
        {
            try { LabelVocabulary.FromJson(labels, null); }
            catch (InvalidInputException e) { throw new InvalidInputException($"SFT metadata: training argument '{Tasks.TaskWirings.LabelsArgument}': {e.Message}", file, inner: e); }
        }
        return sft;
    }

    /// <summary>The SFT file <paramref name="path"/> designates.</summary>
    public static string Resolve(string path)
    {
        if (File.Exists(path)) return path;
        if (Directory.Exists(path))
        {
            foreach (var name in new[] { SftFileName, ComposableSftFile.FileName })
                if (File.Exists(Path.Combine(path, name))) return Path.Combine(path, name);
            throw new InvalidInputException($"directory holds no SFT (expected {SftFileName} or {ComposableSftFile.FileName})", path);
        }
        throw new InvalidInputException("SFT not found", path);
    }

    /// <summary>Loads every <c>--sft</c> in order.</summary>
    public static IReadOnlyList<SparseFineTuning> LoadAll(IEnumerable<string>? paths) => (paths ?? []).Select(Load).ToList();

    /// <summary>Writes <paramref name="sft"/> as an SFT directory at <paramref name="output"/>, atomically.</summary>
    public static void SaveDirectory(SparseFineTuning sft, string output, bool overwrite, SftStorage storage = SftStorage.Full) =>
        OutputDirectory.Write(output, overwrite, temporary =>
        {
            Directory.CreateDirectory(temporary);
            SftFile.Save(sft, Path.Combine(temporary, SftFileName), storage);
            return 0;
        });
}
