using DslSft.Demo.World;
using Microsoft.ML.Tokenizers;

namespace DslSft.Tests.Demo;

public class DemoWorldTests
{
    private static readonly DemoWorldOptions Small = new()
    {
        Seed = 7, SourceTextSentences = 400, TargetTextSentences = 300, SourceTrainSentences = 200, TestSentences = 100,
    };

    private static readonly DemoWorld World = DemoWorld.Generate(Small);

    private static HashSet<string> Anchors(DemoWorld world) =>
        world.Inventory.All.Where(c => c.Anchor is not null).Select(c => c.Anchor!).ToHashSet();

    [Fact]
    public void Same_options_give_the_same_world()
    {
        var again = DemoWorld.Generate(Small);
        Assert.Equal(World.Vocabulary, again.Vocabulary);
        Assert.Equal(World.SourceText, again.SourceText);
        Assert.Equal(World.TargetText, again.TargetText);
        Assert.Equal(World.TargetTest.Select(s => string.Join(' ', s.Tags)), again.TargetTest.Select(s => string.Join(' ', s.Tags)));
    }

    [Fact]
    public void Another_seed_gives_another_lexicon()
    {
        var other = DemoWorld.Generate(Small with { Seed = 8 });
        var forms = World.Source.Vocabulary.Except(Anchors(World)).ToHashSet();
        var otherForms = other.Source.Vocabulary.Except(Anchors(other)).ToList();
        // Random syllable strings: a few coincidences are possible, most forms must differ.
        Assert.True(otherForms.Count(forms.Contains) < otherForms.Count / 4);
        Assert.NotEqual(World.SourceText, other.SourceText);
    }

    [Fact]
    public void Changing_one_corpus_size_leaves_the_other_corpora_unchanged()
    {
        var bigger = DemoWorld.Generate(Small with { SourceTextSentences = 500 });
        Assert.Equal(World.SourceText, bigger.SourceText.Take(World.SourceText.Count));
        Assert.Equal(World.TargetText, bigger.TargetText);
        Assert.Equal(World.Vocabulary, bigger.Vocabulary);
    }

    [Fact]
    public void Lexicons_are_disjoint_except_for_the_anchors()
    {
        var anchors = Anchors(World);
        var source = World.Source.Vocabulary.ToHashSet();
        var target = World.Target.Vocabulary.ToHashSet();
        Assert.Equal(anchors.Order(), source.Intersect(target).Order());
        Assert.All(anchors, a => Assert.True(char.IsDigit(a[0]) || char.IsPunctuation(a[0]), a));
    }

    [Fact]
    public void Anchors_occur_in_the_text_of_both_languages()
    {
        var sourceWords = World.SourceText.SelectMany(s => s.Split(' ')).ToHashSet();
        var targetWords = World.TargetText.SelectMany(s => s.Split(' ')).ToHashSet();
        foreach (var anchor in new[] { ".", ",", "?", "2", "3" })
        {
            Assert.Contains(anchor, sourceWords);
            Assert.Contains(anchor, targetWords);
        }
        Assert.Empty(sourceWords.Intersect(targetWords).Except(Anchors(World)));
    }

    [Fact]
    public void A_plan_realised_in_both_languages_has_the_same_tags_in_a_different_order()
    {
        var grammar = new SentenceGrammar(World.Inventory);
        var random = new DeterministicRandom(3);
        int reordered = 0;
        for (int i = 0; i < 300; i++)
        {
            var plan = grammar.Sample(random);
            var source = World.Source.Realize(plan);
            var target = World.Target.Realize(plan);
            Assert.Equal(source.Tags.Order(), target.Tags.Order());
            Assert.Equal(source.Words.Count, source.Tags.Count);
            // The same concepts: each source word's concept has its target form at the same tag.
            if (!source.Tags.SequenceEqual(target.Tags)) reordered++;
        }
        Assert.True(reordered > 200, $"only {reordered} of 300 sentences differ in tag order");
    }

    [Fact]
    public void Word_order_follows_each_language()
    {
        foreach (var sentence in World.SourceTest)
        {
            var tags = sentence.Tags;
            // Source: the adjective comes right before its noun; the first clause's verb is not clause-final
            // unless nothing follows it.
            for (int i = 0; i < tags.Count; i++)
                if (tags[i] == Upos.Adj) Assert.Equal(Upos.Noun, tags[i + 1]);
        }
        foreach (var sentence in World.TargetTest)
        {
            var tags = sentence.Tags;
            for (int i = 0; i < tags.Count; i++)
                if (tags[i] == Upos.Adj) Assert.Equal(Upos.Noun, tags[i - 1]);
            // Target is verb-final: the word before the closing punctuation is a verb.
            Assert.Equal(Upos.Verb, tags[^2]);
            Assert.Equal(Upos.Punct, tags[^1]);
        }
    }

    [Fact]
    public void Every_tag_is_a_known_upos_tag_and_all_are_used()
    {
        var used = World.SourceTrain.SelectMany(s => s.Tags).ToHashSet();
        Assert.Subset(Upos.All.ToHashSet(), used);
        Assert.Equal(Upos.All.Order(), used.Order());
    }

    [Fact]
    public void Each_language_has_exactly_the_requested_noun_verb_homographs()
    {
        foreach (var language in new[] { World.Source, World.Target })
        {
            var ambiguous = language.Lexicon.GroupBy(p => p.Value).Where(g => g.Select(p => p.Key.Upos).Distinct().Count() > 1).ToList();
            Assert.Equal(Small.Homographs, ambiguous.Count);
            Assert.All(ambiguous, g => Assert.Equal(new[] { Upos.Noun, Upos.Verb }, g.Select(p => p.Key.Upos).Order()));
        }
    }

    [Fact]
    public void Frequent_concepts_are_more_frequent_than_rare_ones()
    {
        var counts = World.SourceText.SelectMany(s => s.Split(' ')).GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        var determiners = World.Inventory.Determiners.Select(d => counts.GetValueOrDefault(World.Source.Lexicon[d])).ToList();
        Assert.True(determiners[0] > 2 * determiners[^1], string.Join(",", determiners));
    }

    [Fact]
    public void Vocabulary_starts_with_the_special_tokens_and_has_no_duplicates()
    {
        var vocab = World.Vocabulary;
        Assert.Equal(DemoWorld.SpecialTokens, vocab.Take(5));
        Assert.Equal(vocab.Count, vocab.Distinct().Count());
        Assert.Equal(World.Source.Vocabulary.Union(World.Target.Vocabulary).Count() + 5, vocab.Count);
    }

    [Fact]
    public void The_bert_tokenizer_reads_every_word_as_one_known_token()
    {
        var dir = Directory.CreateTempSubdirectory("dslsft-demo-world-").FullName;
        try
        {
            DemoWorldFiles.Write(World, dir);
            using var vocab = File.OpenRead(Path.Combine(dir, DemoWorldFiles.VocabFile));
            var tokenizer = BertTokenizer.Create(vocab);
            var vocabIds = World.Vocabulary.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i);
            foreach (var sentence in World.TargetText.Take(50).Concat(World.SourceText.Take(50)))
            {
                var ids = tokenizer.EncodeToIds(sentence);
                var expected = new[] { vocabIds["[CLS]"] }.Concat(sentence.Split(' ').Select(w => vocabIds[w])).Append(vocabIds["[SEP]"]);
                Assert.Equal(expected, ids);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Conllu_output_has_one_token_line_per_word_with_its_tag()
    {
        var text = DemoWorldFiles.ToConllu(World.TargetTest.Take(2), "tgt-test");
        var blocks = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, blocks.Length);
        for (int b = 0; b < 2; b++)
        {
            var lines = blocks[b].Split('\n');
            Assert.Equal($"# sent_id = tgt-test-{b + 1}", lines[0]);
            Assert.Equal($"# text = {World.TargetTest[b].Text}", lines[1]);
            var tokens = lines.Skip(2).Select(l => l.Split('\t')).ToList();
            Assert.All(tokens, t => Assert.Equal(10, t.Length));
            Assert.Equal(World.TargetTest[b].Words, tokens.Select(t => t[1]));
            Assert.Equal(World.TargetTest[b].Tags, tokens.Select(t => t[3]));
            Assert.Equal(Enumerable.Range(1, tokens.Count).Select(i => i.ToString()), tokens.Select(t => t[0]));
        }
    }
}
