namespace DslSft.Demo.World;

/// <summary>
/// The demo's self-generated bilingual world: a source and a target language that share their meanings and
/// part-of-speech structure (one grammar) but have disjoint lexicons and partly different word order
/// (source SVO, ADJ-NOUN; target SOV, NOUN-ADJ; both prepositional). Numbers and punctuation are the only
/// shared words. Everything is a function of <see cref="DemoWorldOptions"/>, seed included.
/// </summary>
public sealed class DemoWorld
{
    /// <summary>Special tokens in the order they open vocab.txt (BERT's names; ids 0..4).</summary>
    public static readonly IReadOnlyList<string> SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    private DemoWorld(DemoWorldOptions options, ConceptInventory inventory, SyntheticLanguage source, SyntheticLanguage target)
    {
        Options = options;
        Inventory = inventory;
        Source = source;
        Target = target;
    }

    public DemoWorldOptions Options { get; }
    public ConceptInventory Inventory { get; }
    public SyntheticLanguage Source { get; }
    public SyntheticLanguage Target { get; }

    /// <summary>Raw source-language text for masked LM, one sentence per entry.</summary>
    public IReadOnlyList<string> SourceText { get; private set; } = [];
    /// <summary>Raw target-language text for masked LM.</summary>
    public IReadOnlyList<string> TargetText { get; private set; } = [];
    /// <summary>Tagged source sentences for training the POS task.</summary>
    public IReadOnlyList<TaggedSentence> SourceTrain { get; private set; } = [];
    /// <summary>Tagged source sentences held out (in-language accuracy).</summary>
    public IReadOnlyList<TaggedSentence> SourceTest { get; private set; } = [];
    /// <summary>Tagged target sentences: the zero-shot evaluation.</summary>
    public IReadOnlyList<TaggedSentence> TargetTest { get; private set; } = [];

    /// <summary>vocab.txt lines: special tokens, shared anchors, then the words of both languages.</summary>
    public IReadOnlyList<string> Vocabulary
    {
        get
        {
            var anchors = Inventory.All.Where(c => c.Anchor is not null).Select(c => c.Anchor!).ToList();
            var words = Source.Vocabulary.Concat(Target.Vocabulary).Except(anchors).Distinct();
            return SpecialTokens.Concat(anchors).Concat(words).ToList();
        }
    }

    public static DemoWorld Generate(DemoWorldOptions options)
    {
        options.Validate();
        int seed = options.Seed;
        var inventory = ConceptInventory.Create(DeterministicRandom.For(seed, "inventory"));
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var sourceLexicon = LexiconBuilder.Build(inventory,
            new Phonology("ptkbdgmnslr", "aeiou", ["CV", "CV", "CVC"]), options.Homographs, DeterministicRandom.For(seed, "lexicon.src"), taken);
        var targetLexicon = LexiconBuilder.Build(inventory,
            new Phonology("kmnrstvzhlj", "aeiouy", ["CV", "VC", "CVC"]), options.Homographs, DeterministicRandom.For(seed, "lexicon.tgt"), taken);
        var source = new SyntheticLanguage("src", "Source", new WordOrder(AdjectiveBeforeNoun: true, VerbFinal: false, Prepositions: true), sourceLexicon);
        var target = new SyntheticLanguage("tgt", "Target", new WordOrder(AdjectiveBeforeNoun: false, VerbFinal: true, Prepositions: true), targetLexicon);

        var world = new DemoWorld(options, inventory, source, target);
        var grammar = new SentenceGrammar(inventory);
        // Each corpus has its own stream: changing one size leaves the other corpora as they were.
        List<TaggedSentence> Corpus(SyntheticLanguage language, string stream, int count)
        {
            var random = DeterministicRandom.For(seed, stream);
            return Enumerable.Range(0, count).Select(_ => language.Realize(grammar.Sample(random))).ToList();
        }
        world.SourceText = Corpus(source, "text.src", options.SourceTextSentences).Select(s => s.Text).ToList();
        world.TargetText = Corpus(target, "text.tgt", options.TargetTextSentences).Select(s => s.Text).ToList();
        world.SourceTrain = Corpus(source, "train.src", options.SourceTrainSentences);
        world.SourceTest = Corpus(source, "test.src", options.TestSentences);
        world.TargetTest = Corpus(target, "test.tgt", options.TestSentences);
        return world;
    }
}
