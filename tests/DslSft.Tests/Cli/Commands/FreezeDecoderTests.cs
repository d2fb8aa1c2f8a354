using DslSft.Cli.Wiring;
using DslSft.Models;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Tests.Infrastructure;
using static TorchSharp.torch;

namespace DslSft.Tests.Cli.Commands;

/// <summary>
/// `--freeze-decoder` does run_mlm.py's surgery: the MLM decoder becomes a frozen copy of the pre-trained embeddings, so
/// the embeddings learn from the input side only and K is not drawn into them; `false` keeps the decoder tied and
/// trained through the embeddings. A composed model keeps the frozen decoder at the base values.
/// </summary>
[Collection(DslSft.Tests.Engine.EngineTrainingCollection.Name)]
public sealed class FreezeDecoderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dslsft-freeze-decoder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string TinyBert => SharedData.Fixture("tiny-bert");

    private SparseFineTuning TrainLang(bool freezeDecoder)
    {
        var corpus = Path.Combine(_dir, "corpus.txt");
        File.WriteAllLines(corpus, Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? "the quick brown fox jumps over the lazy dog ." : "der schnelle braune fuchs springt über den faulen hund ."));
        var output = Path.Combine(_dir, $"lang-{freezeDecoder}");
        var r = CliRunner.Run("train-lang", "-m", TinyBert, "--train", corpus, "--num-params", "200", "--full-steps", "6", "--sparse-steps", "4",
            "--lr", "1e-3", "--max-length", "16", "--batch-size", "4", "--seed", "5", "--freeze-decoder", freezeDecoder ? "true" : "false", "-o", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return SftFile.Load(Path.Combine(output, SftPaths.SftFileName));
    }

    [SharedDataFact]
    public void The_two_settings_train_different_sfts_and_a_composed_model_keeps_the_frozen_decoder()
    {
        var frozen = TrainLang(freezeDecoder: true);
        var tied = TrainLang(freezeDecoder: false);
        Assert.Equal("True", frozen.Metadata.TrainingArguments["freeze_decoder"]);
        Assert.Equal("False", tied.Metadata.TrainingArguments["freeze_decoder"]);

        // Same data, seed and K: only the decoder differs, and with it what the full phase moved and top-K selected.
        const string words = "bert.embeddings.word_embeddings.weight";
        Assert.Equal(200, frozen.NonZeroCount);
        Assert.Equal(200, tied.NonZeroCount);
        Assert.False(frozen.Diffs[words].Indices.numel() == tied.Diffs[words].Indices.numel()
                     && frozen.Diffs[words].Indices.equal(tied.Diffs[words].Indices).all().item<bool>(), "the word-embedding masks are identical");
        // Tied, the output softmax's gradient reaches every embedding row: the embeddings draw more of K.
        Assert.True(tied.Diffs[words].Count > frozen.Diffs[words].Count,
            $"word-embedding entries: tied {tied.Diffs[words].Count}, frozen {frozen.Diffs[words].Count}");

        using var baseModel = HfModel.Load(TinyBert, ModelHead.MaskedLM).Model;
        var baseDecoder = ((IMaskedLanguageModel)baseModel).Decoder.weight!.detach();
        foreach (var (sft, name) in new[] { (frozen, "frozen"), (tied, "tied") })
        {
            var output = Path.Combine(_dir, $"composed-{name}");
            var r = CliRunner.Run("compose", "-m", TinyBert, "--sft", Path.Combine(_dir, $"lang-{name == "frozen"}"), "-o", output);
            Assert.True(r.ExitCode == 0, r.Stderr);
            using var composed = HfModel.Load(output, ModelHead.MaskedLM).Model;
            var mlm = (IMaskedLanguageModel)composed;
            var embeddings = ParameterTable.Build(composed)[words].Tensor.detach();
            Assert.False(embeddings.equal(baseDecoder).all().item<bool>(), $"{name}: the word embeddings did not change");
            var decoder = mlm.Decoder.weight!.detach();
            if (name == "frozen")
            {
                Assert.False(mlm.DecoderIsTied);
                Assert.True(decoder.equal(baseDecoder).all().item<bool>(), "the frozen decoder moved with the embeddings");
            }
            else
            {
                Assert.True(mlm.DecoderIsTied);
                Assert.True(decoder.equal(embeddings).all().item<bool>());
            }
        }
    }
}
