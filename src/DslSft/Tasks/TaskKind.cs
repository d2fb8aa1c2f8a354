namespace DslSft.Tasks;

/// <summary>The downstream tasks DslSft trains and evaluates, with their command-line names.</summary>
public enum TaskKind
{
    /// <summary>Part-of-speech tagging (UPOS, CoNLL-U); metric: accuracy.</summary>
    Pos,
    /// <summary>Named-entity recognition (CoNLL / MasakhaNER); metric: span F1.</summary>
    Ner,
    /// <summary>Dependency parsing (CoNLL-U, biaffine head); metrics: UAS, LAS.</summary>
    DependencyParsing,
    /// <summary>Sentence-pair classification (XNLI/AmericasNLI); metric: accuracy.</summary>
    Nli,
    /// <summary>Single-sentence classification (sentiment); metric: accuracy.</summary>
    SequenceClassification,
    /// <summary>Extractive question answering (SQuAD / XQuAD); metrics: exact match, F1.</summary>
    QuestionAnswering,
}

public static class TaskKinds
{
    private static readonly (TaskKind Kind, string Name)[] Names =
    [
        (TaskKind.Pos, "pos"), (TaskKind.Ner, "ner"), (TaskKind.DependencyParsing, "dp"), (TaskKind.Nli, "nli"),
        (TaskKind.SequenceClassification, "sc"), (TaskKind.QuestionAnswering, "qa"),
    ];

    /// <summary>All command-line names, in declaration order: pos, ner, dp, nli, sc, qa.</summary>
    public static IReadOnlyList<string> AllNames { get; } = Names.Select(n => n.Name).ToArray();

    public static string Name(this TaskKind kind) => Names.First(n => n.Kind == kind).Name;

    /// <summary>The model head a task trains: a token classifier for pos/ner, the biaffine parser for dp, a sequence classifier for nli/sc, span logits for qa.</summary>
    public static Models.ModelHead Head(this TaskKind kind) => kind switch
    {
        TaskKind.Pos or TaskKind.Ner => Models.ModelHead.TokenClassification,
        TaskKind.DependencyParsing => Models.ModelHead.DependencyParsing,
        TaskKind.Nli or TaskKind.SequenceClassification => Models.ModelHead.SequenceClassification,
        TaskKind.QuestionAnswering => Models.ModelHead.QuestionAnswering,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Parses a command-line task name (also accepts the enum name, any case).</summary>
    public static TaskKind Parse(string name) =>
        TryParse(name, out var kind) ? kind : throw new InvalidInputException($"unknown task '{name}' (expected one of: {string.Join(", ", AllNames)})");

    /// <summary>Like <see cref="Parse"/>, but false for a name that is no downstream task (a language SFT records "mlm").</summary>
    public static bool TryParse(string name, out TaskKind kind)
    {
        foreach (var (k, n) in Names)
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase) || string.Equals(k.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        kind = default;
        return false;
    }
}
