namespace DslSft.Data.Qa;

/// <summary>A gold answer: its text and where it starts in the context (character offset).</summary>
public sealed record QaAnswer(string Text, int Start)
{
    public int End => Start + Text.Length;
}

/// <summary>
/// One extractive-QA question over a context (SQuAD layout). <see cref="Answers"/> is empty for
/// unanswerable questions (SQuAD 2.0) and for unlabelled data. <see cref="Line"/> is where the question starts in the file.
/// </summary>
public sealed record QaExample(string Id, string Title, string Context, string Question, IReadOnlyList<QaAnswer> Answers, bool IsImpossible, string Path, long Line);
