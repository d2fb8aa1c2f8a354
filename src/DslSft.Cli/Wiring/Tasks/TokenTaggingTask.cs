using DslSft.Data.Ner;
using DslSft.Models;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;
using DslSft.Tokenization;
using static TorchSharp.torch;

namespace DslSft.Cli.Wiring.Tasks;

/// <summary>
/// POS tagging (CoNLL-U UPOS, scored by word accuracy) and NER (CoNLL, scored by seqeval span P/R/F1): a token
/// classifier whose prediction for a word is the argmax at its first subword. Encoding is <see cref="TokenTaggingData"/>.
/// </summary>
public sealed class TokenTaggingTask(TaskKind kind, LabelVocabulary labels, NerReadOptions nerOptions) : TaskWiring(kind, labels)
{
    /// <summary>The tags of <paramref name="path"/>, for inferring the label set.</summary>
    public static IEnumerable<string> ObservedLabels(TaskKind kind, string path, NerReadOptions nerOptions) =>
        TokenTaggingData.ReadSentences(kind, path, nerOptions).SelectMany(s => s.Labels);

    public override TaskData Encode(string path, ITextTokenizer tokenizer, int maxLength, bool training, int? limit = null)
    {
        var (examples, dropped) = TokenTaggingData.Encode(TokenTaggingData.ReadSentences(Kind, path, nerOptions), tokenizer, RequiredLabels, maxLength,
            strictLabels: training, limit);
        long padId = tokenizer.PadTokenId;
        return new TaskData<TaggedExample>(path, examples, dropped, batch => TokenTaggingData.Collate(batch, padId), () => new Scorer(Kind, RequiredLabels),
            unknownLabels: examples.Sum(e => e.GoldIds.Count(g => g < 0)));
    }

    private sealed class Scorer(TaskKind kind, LabelVocabulary labels) : IBatchScorer<TaggedExample>
    {
        private readonly PosEvaluator _pos = new();
        private readonly NerEvaluator _ner = new(labels);

        public void Add(IReadOnlyList<TaggedExample> batch, ModelOutput output)
        {
            var logits = output.Logits.to(CPU).contiguous();
            long length = logits.shape[1], classes = logits.shape[2];
            if (classes != labels.Count) throw new InvalidInputException($"the model's head has {classes} labels but the task has {labels.Count}");
            var values = logits.data<float>().ToArray();
            for (int b = 0; b < batch.Count; b++)
            {
                var sentence = values.AsSpan((int)(b * length * classes), (int)(length * classes));
                if (kind == TaskKind.Ner) _ner.Add(batch[b].GoldTags, sentence, batch[b].FirstSubwords);
                else _pos.Add(batch[b].GoldIds, sentence, labels.Count, batch[b].FirstSubwords);
            }
        }

        public EvaluationResult Result() => kind == TaskKind.Ner ? _ner.Result() : _pos.Result();
    }
}
