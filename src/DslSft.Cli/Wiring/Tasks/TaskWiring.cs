using DslSft.Models;
using DslSft.Tasks;
using DslSft.Tokenization;

namespace DslSft.Cli.Wiring.Tasks;

/// <summary>
/// A downstream task as train-task and eval wire it: the head it trains, the label set of that head, and how a data
/// file becomes <see cref="TaskData"/>. One subclass per task family (<see cref="TokenTaggingTask"/>,
/// <see cref="DependencyParsingTask"/>, <see cref="SentenceClassificationTask"/>, <see cref="QuestionAnsweringTask"/>);
/// <see cref="TaskWirings"/> picks one for <c>--task</c> and resolves its labels.
/// </summary>
public abstract class TaskWiring(TaskKind kind, LabelVocabulary? labels)
{
    public TaskKind Kind => kind;

    public ModelHead Head => kind.Head();

    /// <summary>What the head predicts (tags, relations, classes); null for QA, which predicts spans.</summary>
    public LabelVocabulary? Labels => labels;

    /// <summary><see cref="Labels"/> for the tasks that always have them.</summary>
    protected LabelVocabulary RequiredLabels => labels ?? throw new InvalidOperationException($"task {kind.Name()} was created without its label set");

    /// <summary>How to size the head when loading the base model.</summary>
    public virtual HfLoadOptions LoadOptions => new() { NumLabels = labels?.Count };

    /// <summary>How the scores were computed, where a reader needs to know (parsing: decoding and punctuation); shown with the results.</summary>
    public virtual string? ScoringNote => null;

    /// <summary>
    /// Reads and encodes <paramref name="path"/>. For <paramref name="training"/> data a label outside <see cref="Labels"/>
    /// is an error naming its file and line; in evaluation data it is counted (<see cref="TaskData.UnknownLabels"/>).
    /// <paramref name="limit"/> caps the examples read (max_train_samples / max_eval_samples).
    /// </summary>
    public abstract TaskData Encode(string path, ITextTokenizer tokenizer, int maxLength, bool training, int? limit = null);

    /// <summary>The id of a gold label: strict in training (error at <paramref name="path"/>:<paramref name="line"/>), -1 when unknown in evaluation data.</summary>
    protected static int GoldId(LabelVocabulary vocabulary, string label, bool training, string path, long line) =>
        training ? vocabulary.IdOf(label, path, line) : vocabulary.TryGetId(label, out var id) ? id : -1;
}
