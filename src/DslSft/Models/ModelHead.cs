namespace DslSft.Models;

/// <summary>Which head sits on the encoder. Chosen when loading (<see cref="HfModel.Load"/>) or from config.json's <c>architectures</c>.</summary>
public enum ModelHead
{
    /// <summary>Masked language modelling (<c>BertForMaskedLM</c> / <c>XLMRobertaForMaskedLM</c>), decoder tied to the word embeddings.</summary>
    MaskedLM,
    /// <summary>A linear classifier on every token (<c>*ForTokenClassification</c>).</summary>
    TokenClassification,
    /// <summary>A classifier on the first token (<c>*ForSequenceClassification</c>; BERT through its tanh pooler).</summary>
    SequenceClassification,
    /// <summary>Extractive QA: start and end logits per token (<c>*ForQuestionAnswering</c>).</summary>
    QuestionAnswering,
    /// <summary>A biaffine dependency parser on word vectors (mean of subwords; root = the first token).</summary>
    DependencyParsing,
}
