using System.Text;
using CsCheck;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Tests.Cli;
using DslSft.Tests.Infrastructure;
using static TorchSharp.torch;

namespace DslSft.Tests.Reliability;

/// <summary>
/// Generated malformed variants of every input format, each read by the command that takes it: exit code 2, a message
/// naming the file, and nothing left behind (no output, no temporaries). Random mutations, which may happen to be
/// valid, must still never end in anything but 0 or 2.
/// </summary>
public sealed class MalformedInputFuzzTests
{
    /// <summary>A format: a valid seed file and the command line that reads it (FILE and DIR are filled in).</summary>
    private sealed record Format(string Name, string FileName, Func<byte[]> Seed, string[] Command, bool Binary, bool Document)
    {
        public override string ToString() => Name;
    }

    private static readonly Lazy<byte[]> SftSeed = new(() => SeedFile("seed.safetensors", path => SftFile.Save(Sample(), path)));
    private static readonly Lazy<byte[]> DiffSeed = new(() => SeedFile("pytorch_diff.bin", path => ComposableSftFile.Export(Sample(), path)));

    private static readonly Format[] Formats =
    [
        new("CoNLL-U", "data.conllu", () => Encoding.UTF8.GetBytes(string.Join("\n\n", File.ReadAllText(SharedData.Ud("en_ewt-ud-dev.conllu")).Split("\n\n").Take(3)) + "\n\n"),
            ["data", "FILE"], Binary: false, Document: false),
        new("NER", "ner.txt", () => "EU B-ORG\nrejects O\nGerman B-MISC\ncall O\n\nPeter B-PER\nBlackburn I-PER\n"u8.ToArray(), ["data", "FILE", "--format", "ner"], false, false),
        new("TSV", "pairs.tsv", () => "premise\thypothesis\tlabel\nA man sleeps.\tA person rests.\tentailment\nIt rains.\tIt is dry.\tcontradiction\n"u8.ToArray(),
            ["data", "FILE", "--format", "pairs"], false, false),
        new("JSONL", "pairs.jsonl", () => "{\"premise\": \"A man sleeps.\", \"hypothesis\": \"A person rests.\", \"label\": \"entailment\"}\n{\"premise\": \"It rains.\", \"hypothesis\": \"It is dry.\", \"label\": \"contradiction\"}\n"u8.ToArray(),
            ["data", "FILE", "--format", "pairs"], false, false),
        new("SQuAD", "squad.json", () => "{\"data\": [{\"title\": \"T\", \"paragraphs\": [{\"context\": \"Paris is in France.\", \"qas\": [{\"id\": \"q1\", \"question\": \"Where is Paris?\", \"answers\": [{\"text\": \"France\", \"answer_start\": 12}]}]}]}]}\n"u8.ToArray(),
            ["data", "FILE", "--format", "squad"], false, Document: true),
        new("labels", "labels.txt", () => "B-ORG\nB-PER\nI-ORG\nI-PER\nO\nB-MISC\n"u8.ToArray(),
            ["eval", "-t", "ner", "-m", "TINY", "--data", "NERDATA", "--labels", "FILE", "--max-length", "16"], false, false),
        new("config.json", "config.json", () => File.ReadAllBytes(SharedData.Fixture("tiny-bert", "config.json")), ["export", "-m", "DIR", "-o", "DIR/out"], false, Document: true),
        new("SFT safetensors", "sft.safetensors", () => SftSeed.Value, ["merge", "--sft", "FILE", "-o", "DIR/out"], Binary: true, false),
        new("pytorch_diff.bin", "pytorch_diff.bin", () => DiffSeed.Value, ["merge", "--sft", "FILE", "-o", "DIR/out"], Binary: true, false),
    ];

    private static SparseFineTuning Sample() =>
        new(new Dictionary<string, SparseDiff> { ["layer.weight"] = SparseDiff.FromArrays([3, 4], [1, 5, 7], [0.25f, 2f, -3f]) },
            new Dictionary<string, Tensor> { ["head.bias"] = tensor(new[] { 0.5f, -0.5f }) },
            new SftMetadata { BaseModel = "seed", TrainingArguments = new Dictionary<string, string> { ["task"] = "ner", ["labels"] = "[\"O\", \"B-PER\"]" } });

    private static byte[] SeedFile(string name, Action<string> write)
    {
        var dir = Directory.CreateTempSubdirectory("dslsft-fuzz-seed-").FullName;
        try
        {
            write(Path.Combine(dir, name));
            return File.ReadAllBytes(Path.Combine(dir, name));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>Writes the variant into a fresh directory (with what the command needs beside it) and runs the command there.</summary>
    private static (CliRunner.Result Result, string Directory, string File) Run(Format format, byte[] content)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("dslsft-fuzz-").FullName;
        var file = Path.Combine(dir, format.FileName);
        File.WriteAllBytes(file, content);
        if (format.Name == "config.json")
            foreach (var name in new[] { "model.safetensors", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json" })
                File.Copy(SharedData.Fixture("tiny-bert", name), Path.Combine(dir, name));
        var ner = Path.Combine(dir, "ner-data.txt");
        if (format.Name == "labels") File.WriteAllText(ner, "Peter B-PER\nsleeps O\n");
        var args = format.Command.Select(a => a.Replace("FILE", file).Replace("DIR", dir).Replace("TINY", SharedData.Fixture("tiny-bert")).Replace("NERDATA", ner)).ToArray();
        var run = Task.Run(() => CliRunner.Run(args));
        Assert.True(run.Wait(TimeSpan.FromSeconds(60)), $"{format}: dslsft {string.Join(' ', args)} hung");
        return (run.Result, dir, file);
    }

    /// <summary>The directory holds only what the test put there: no output, no temporary.</summary>
    private static void AssertNothingLeftBehind(string dir, Format format)
    {
        var left = Directory.GetFileSystemEntries(dir).Select(Path.GetFileName)
            .Where(n => n != format.FileName && n is not ("model.safetensors" or "vocab.txt" or "tokenizer_config.json" or "special_tokens_map.json" or "ner-data.txt"))
            .ToList();
        Assert.True(left.Count == 0, $"{format}: left behind {string.Join(", ", left)}");
    }

    /// <summary>A variant that no reader may accept: invalid UTF-8 in text, a strict prefix of a binary file or a JSON document.</summary>
    private static byte[] Malformed(Format format, byte[] seed, Random random)
    {
        if (format.Binary || (format.Document && random.Next(2) == 0))
            return seed[..random.Next(0, format.Document ? seed.Length * 9 / 10 : seed.Length)];
        int at = random.Next(0, seed.Length + 1);
        return [.. seed[..at], 0xFF, .. seed[at..]];
    }

    /// <summary>Random damage: flipped bytes, a deleted or repeated run, or a truncation; the result may even be valid.</summary>
    private static byte[] Mutated(byte[] seed, Random random)
    {
        var bytes = seed.ToList();
        for (int n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            int at = random.Next(bytes.Count);
            int length = Math.Min(random.Next(1, 16), bytes.Count - at);
            switch (random.Next(4))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes.RemoveRange(at, length); break;
                case 2: bytes.InsertRange(at, bytes.GetRange(at, length)); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }
        return [.. bytes];
    }

    [Fact]
    public void Malformed_variants_of_every_format_exit_2_naming_the_file_and_leave_nothing_behind()
    {
        Gen.Int[0, Formats.Length - 1].Select(Gen.Int).Sample((index, seed) =>
        {
            var format = Formats[index];
            var variant = Malformed(format, format.Seed(), new Random(seed));
            var (result, dir, file) = Run(format, variant);
            try
            {
                Assert.True(result.ExitCode == 2, $"{format} variant (seed {seed}): exit {result.ExitCode}\n{result.Stderr}");
                Assert.True(result.Stderr.Contains(format.FileName), $"{format} variant (seed {seed}): the message does not name the file\n{result.Stderr}");
                AssertNothingLeftBehind(dir, format);
            }
            finally { Directory.Delete(dir, recursive: true); }
        }, iter: 90);
    }

    [Fact]
    public void Random_mutations_of_every_format_exit_0_or_2_and_leave_no_temporaries()
    {
        Gen.Int[0, Formats.Length - 1].Select(Gen.Int).Sample((index, seed) =>
        {
            var format = Formats[index];
            var (result, dir, _) = Run(format, Mutated(format.Seed(), new Random(seed)));
            try
            {
                Assert.True(result.ExitCode is 0 or 2, $"{format} mutation (seed {seed}): exit {result.ExitCode}\n{result.Stderr}");
                if (result.ExitCode == 2) Assert.True(result.Stderr.Contains(format.FileName), $"{format} mutation (seed {seed}): the message does not name the file\n{result.Stderr}");
                Temporaries_absent(dir);
            }
            finally { Directory.Delete(dir, recursive: true); }
        }, iter: 90);
    }

    private static void Temporaries_absent(string dir) =>
        Assert.DoesNotContain(Directory.GetFileSystemEntries(dir), e => Path.GetFileName(e).StartsWith('.'));
}
