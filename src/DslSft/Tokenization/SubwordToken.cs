namespace DslSft.Tokenization;

/// <summary>One subword: its model id and its token string (for XLM-R, unknown pieces keep their surface text but get the unk id, like HF).</summary>
public readonly record struct SubwordToken(int Id, string Text);
