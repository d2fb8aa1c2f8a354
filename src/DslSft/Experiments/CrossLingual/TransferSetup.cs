namespace DslSft.Experiments.CrossLingual;

/// <summary>A language of the experiment: raw text for its language SFT and, optionally, a POS test set.</summary>
/// <param name="Code">Short name ("en", "mt", "tgt").</param>
/// <param name="TextFile">Raw text, one sentence or paragraph per line (masked LM).</param>
/// <param name="TestFile">CoNLL-U with UPOS tags for evaluation; null when the language is not evaluated.</param>
public sealed record TransferLanguage(string Code, string TextFile, string? TestFile = null);

/// <summary>
/// What a zero-shot cross-lingual POS experiment runs on: a base model (an HF directory with its tokenizer
/// files), a source language with labelled training data, and target languages with test data.
/// </summary>
/// <param name="BaseModelDirectory">HF model directory: config.json, weights, vocab.txt (or sentencepiece model).</param>
/// <param name="Source">The language the task is trained in; its test file, when given, gives in-language accuracy.</param>
/// <param name="Targets">Zero-shot evaluation languages; each needs a test file.</param>
/// <param name="TaskTrainFile">Source-language CoNLL-U training data (UPOS).</param>
public sealed record TransferSetup(string BaseModelDirectory, TransferLanguage Source, IReadOnlyList<TransferLanguage> Targets, string TaskTrainFile)
{
    /// <param name="training">Whether anything will be trained: the raw text and the task data are needed only then.</param>
    public void Validate(bool training = true)
    {
        if (!Directory.Exists(BaseModelDirectory)) throw new InvalidInputException("base model directory not found", BaseModelDirectory);
        if (Targets.Count == 0) throw new ArgumentException("at least one target language is needed", nameof(Targets));
        foreach (var language in Targets.Prepend(Source))
            if (training && !File.Exists(language.TextFile)) throw new InvalidInputException($"text for language '{language.Code}' not found", language.TextFile);
        foreach (var target in Targets)
        {
            if (target.TestFile is null) throw new ArgumentException($"target language '{target.Code}' has no test file", nameof(Targets));
            if (!File.Exists(target.TestFile)) throw new InvalidInputException($"test data for '{target.Code}' not found", target.TestFile);
        }
        if (training && !File.Exists(TaskTrainFile)) throw new InvalidInputException("task training data not found", TaskTrainFile);
        var codes = Targets.Prepend(Source).Select(l => l.Code).ToList();
        if (codes.Distinct().Count() != codes.Count) throw new ArgumentException($"language codes must be distinct: {string.Join(", ", codes)}");
    }
}
