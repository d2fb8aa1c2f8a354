using System.Text.Json;
using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Tokenization;

/// <summary>The tokenizer cases of a fixture's reference.json (HF slow tokenizer output): batch, pair_batch, tokenizer_only.</summary>
public static class TokenizerReference
{
    public sealed record Case(string Name, string Text, string? Pair, int[] InputIds, string[]? Tokens, int[]? TokenTypeIds, int[]? AttentionMask)
    {
        public override string ToString() => Name;
    }

    /// <summary>Every single text and pair in the fixture, unpadded, with the special tokens.</summary>
    public static IReadOnlyList<Case> Cases(string fixture)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Fixture(fixture, "reference.json")));
        var root = doc.RootElement;
        var cases = new List<Case>();
        foreach (var batchName in new[] { "batch", "pair_batch" })
        {
            var batch = root.GetProperty(batchName);
            var texts = batch.GetProperty("texts");
            for (var i = 0; i < texts.GetArrayLength(); i++)
            {
                var entry = texts[i];
                var (text, pair) = entry.ValueKind == JsonValueKind.Array ? (entry[0].GetString()!, entry[1].GetString()) : (entry.GetString()!, null);
                var unpadded = Ints(batch.GetProperty("input_ids_unpadded")[i]);
                var length = unpadded.Length;
                cases.Add(new Case($"{batchName}[{i}]", text, pair, unpadded,
                    Strings(batch.GetProperty("tokens")[i])[..length],
                    batch.TryGetProperty("token_type_ids", out var types) ? Ints(types[i])[..length] : null,
                    Ints(batch.GetProperty("attention_mask")[i])));
            }
        }
        var only = root.GetProperty("tokenizer_only");
        for (var i = 0; i < only.GetArrayLength(); i++)
        {
            var c = only[i];
            var ids = Ints(c.GetProperty("input_ids"));
            if (c.TryGetProperty("text_pair", out var pair))
            {
                cases.Add(new Case($"tokenizer_only[{i}]", pair[0].GetString()!, pair[1].GetString(), ids, Strings(c.GetProperty("tokens")), null, null));
                continue;
            }
            var tokens = Strings(c.GetProperty("tokens"));
            // tokenizer_only tokens come without the sequence's specials; the ids have them.
            cases.Add(new Case($"tokenizer_only[{i}]", c.GetProperty("text").GetString()!, null, ids, tokens, null, null));
        }
        return cases;
    }

    /// <summary>The padded batch tensors of <c>batch</c> or <c>pair_batch</c> as flat arrays plus their texts.</summary>
    public static (string[] Texts, string[]? Pairs, long[][] InputIds, long[][] AttentionMask, long[][]? TokenTypeIds) PaddedBatch(string fixture, string batchName)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Fixture(fixture, "reference.json")));
        var batch = doc.RootElement.GetProperty(batchName);
        var texts = batch.GetProperty("texts").EnumerateArray().ToArray();
        var isPair = texts[0].ValueKind == JsonValueKind.Array;
        return (
            texts.Select(t => isPair ? t[0].GetString()! : t.GetString()!).ToArray(),
            isPair ? texts.Select(t => t[1].GetString()!).ToArray() : null,
            Rows(batch.GetProperty("input_ids")),
            Rows(batch.GetProperty("attention_mask")),
            batch.TryGetProperty("token_type_ids", out var types) ? Rows(types) : null);
    }

    private static long[][] Rows(JsonElement e) => e.EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetInt64()).ToArray()).ToArray();
    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
    private static string[] Strings(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToArray();
}
