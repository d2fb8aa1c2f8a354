using DslSft.Metrics;
using DslSft.Tasks.Parsing;

namespace DslSft.Tasks.Evaluation;

/// <summary>
/// Dependency parsing: decode heads (greedy or MST) and relations, scored by UAS/LAS (see
/// <see cref="AttachmentScore"/> for the two exclusion options).
/// </summary>
public sealed class ParsingEvaluator(HeadDecoding decoding, int? excludeGoldRelation = null, int? excludeGoldHead = null)
{
    private readonly AttachmentScore _score = new(excludeGoldRelation, excludeGoldHead);
    private long _sentences;

    public DecodedParse Add(ReadOnlySpan<int> goldHeads, ReadOnlySpan<int> goldRelations, ParseScores scores)
    {
        var parse = ParseDecoder.Decode(scores, decoding);
        _score.Add(goldHeads, goldRelations, parse.Heads, parse.Relations);
        _sentences++;
        return parse;
    }

    public EvaluationResult Result() => new(TaskKind.DependencyParsing, _sentences,
        [new MetricValue("uas", _score.Uas), new MetricValue("las", _score.Las)]);
}
