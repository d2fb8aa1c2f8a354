using System.Text;
using DslSft.IO;

namespace DslSft.Demo.World;

/// <summary>
/// Writes the demo world in the formats the real pipeline reads: a BERT WordPiece <c>vocab.txt</c>, raw text
/// (one sentence per line) for masked LM, and CoNLL-U for the POS task, so the demo exercises the same readers
/// and tokenizer as real data.
/// </summary>
public static class DemoWorldFiles
{
    public const string VocabFile = "vocab.txt";

    public static string TextFile(SyntheticLanguage language) => $"{language.Code}.txt";
    public static string ConlluFile(SyntheticLanguage language, string split) => $"{language.Code}-{split}.conllu";

    /// <summary>Writes every file into <paramref name="directory"/> (created if needed; files replaced atomically).</summary>
    public static void Write(DemoWorld world, string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, VocabFile), Lines(world.Vocabulary));
        AtomicFile.WriteAllText(Path.Combine(directory, TextFile(world.Source)), Lines(world.SourceText));
        AtomicFile.WriteAllText(Path.Combine(directory, TextFile(world.Target)), Lines(world.TargetText));
        AtomicFile.WriteAllText(Path.Combine(directory, ConlluFile(world.Source, "train")), ToConllu(world.SourceTrain, $"{world.Source.Code}-train"));
        AtomicFile.WriteAllText(Path.Combine(directory, ConlluFile(world.Source, "test")), ToConllu(world.SourceTest, $"{world.Source.Code}-test"));
        AtomicFile.WriteAllText(Path.Combine(directory, ConlluFile(world.Target, "test")), ToConllu(world.TargetTest, $"{world.Target.Code}-test"));
    }

    /// <summary>CoNLL-U with ID, FORM and UPOS filled and the other columns "_".</summary>
    public static string ToConllu(IEnumerable<TaggedSentence> sentences, string idPrefix)
    {
        var sb = new StringBuilder();
        int n = 0;
        foreach (var sentence in sentences)
        {
            sb.Append("# sent_id = ").Append(idPrefix).Append('-').Append(++n).Append('\n');
            sb.Append("# text = ").Append(sentence.Text).Append('\n');
            for (int i = 0; i < sentence.Words.Count; i++)
                sb.Append(i + 1).Append('\t').Append(sentence.Words[i]).Append("\t_\t").Append(sentence.Tags[i]).Append("\t_\t_\t_\t_\t_\t_\n");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Lines(IEnumerable<string> lines)
    {
        var sb = new StringBuilder();
        foreach (var line in lines) sb.Append(line).Append('\n');
        return sb.ToString();
    }
}
