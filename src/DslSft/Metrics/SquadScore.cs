using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DslSft.Metrics;

/// <summary>
/// SQuAD exact match and token F1 (the official v1.1 evaluation script): answers are normalised by
/// lowercasing, removing punctuation, removing the articles a/an/the and collapsing whitespace; each
/// prediction takes its best score over the gold answers; results are averaged over questions.
/// </summary>
public sealed class SquadScore
{
    private double _exactSum;
    private double _f1Sum;

    public int Questions { get; private set; }

    /// <summary>Mean exact match in [0, 1].</summary>
    public double ExactMatch => Questions == 0 ? 0 : _exactSum / Questions;

    /// <summary>Mean F1 in [0, 1].</summary>
    public double F1 => Questions == 0 ? 0 : _f1Sum / Questions;

    public void Add(string prediction, IReadOnlyList<string> goldAnswers)
    {
        Questions++;
        if (goldAnswers.Count == 0) return;
        _exactSum += goldAnswers.Max(g => ExactMatchScore(prediction, g));
        _f1Sum += goldAnswers.Max(g => F1Score(prediction, g));
    }

    public static double ExactMatchScore(string prediction, string gold) => Normalize(prediction) == Normalize(gold) ? 1 : 0;

    public static double F1Score(string prediction, string gold)
    {
        var predicted = Tokens(prediction);
        var truth = Tokens(gold);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in truth) counts[t] = counts.GetValueOrDefault(t) + 1;
        int common = 0;
        foreach (var t in predicted)
            if (counts.TryGetValue(t, out int c) && c > 0) { common++; counts[t] = c - 1; }
        if (common == 0) return 0;
        double precision = (double)common / predicted.Length, recall = (double)common / truth.Length;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>The official normalisation: lower case, drop punctuation, drop articles, single spaces.</summary>
    public static string Normalize(string text)
    {
        var lower = text.ToLowerInvariant();
        var noPunctuation = new StringBuilder(lower.Length);
        foreach (var ch in lower)
            if (!PythonPunctuation.Contains(ch)) noPunctuation.Append(ch);
        var noArticles = Articles.Replace(noPunctuation.ToString(), " ");
        return string.Join(' ', noArticles.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private static string[] Tokens(string text) => Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Python's <c>string.punctuation</c>, which is what the script removes (ASCII only).</summary>
    private const string PythonPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>The script's <c>\b(a|an|the)\b</c>.</summary>
    private static readonly Regex Articles = new(@"\b(a|an|the)\b", RegexOptions.CultureInvariant);
}
