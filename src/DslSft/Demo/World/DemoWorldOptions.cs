namespace DslSft.Demo.World;

/// <summary>Sizes of the generated demo world. The defaults are what `dslsft demo` uses.</summary>
public sealed record DemoWorldOptions
{
    public int Seed { get; init; } = 1;
    /// <summary>Raw sentences of source-language text (masked LM).</summary>
    public int SourceTextSentences { get; init; } = 20_000;
    /// <summary>Raw sentences of target-language text (masked LM).</summary>
    public int TargetTextSentences { get; init; } = 20_000;
    /// <summary>POS-tagged source sentences for training the task.</summary>
    public int SourceTrainSentences { get; init; } = 4_000;
    /// <summary>POS-tagged sentences for evaluation, in each language.</summary>
    public int TestSentences { get; init; } = 1_000;
    /// <summary>Noun/verb homographs per language.</summary>
    public int Homographs { get; init; } = 3;

    public void Validate()
    {
        foreach (var (name, value) in new[] { (nameof(SourceTextSentences), SourceTextSentences), (nameof(TargetTextSentences), TargetTextSentences),
                     (nameof(SourceTrainSentences), SourceTrainSentences), (nameof(TestSentences), TestSentences) })
            if (value <= 0) throw new ArgumentOutOfRangeException(name, value, "must be positive");
        if (Homographs < 0) throw new ArgumentOutOfRangeException(nameof(Homographs), Homographs, "must not be negative");
    }
}
