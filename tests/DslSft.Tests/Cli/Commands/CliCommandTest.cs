using DslSft.Tests.Data;
using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Cli.Commands;

/// <summary>
/// What the in-process command tests on tiny-bert share: a temporary folder removed afterwards, the fixture's path,
/// a few training steps per phase, and two small POS-tagged sentences.
/// </summary>
public abstract class CliCommandTest : IDisposable
{
    private protected TempFiles Files { get; } = new();

    protected static string TinyBert => SharedData.Fixture("tiny-bert");

    /// <summary>Three updates per phase at a learning rate high enough for them to change something.</summary>
    protected static readonly string[] FewSteps = ["--full-steps", "3", "--sparse-steps", "3", "--lr", "1e-2", "--batch-size", "4"];

    /// <summary>Two CoNLL-U sentences (7 words, one of them punctuation).</summary>
    protected const string TwoSentences =
        "# text = the dog runs\n1\tthe\tthe\tDET\t_\t_\t2\tdet\t_\t_\n2\tdog\tdog\tNOUN\t_\t_\t3\tnsubj\t_\t_\n3\truns\trun\tVERB\t_\t_\t0\troot\t_\t_\n\n" +
        "# text = we need bread .\n1\twe\twe\tPRON\t_\t_\t2\tnsubj\t_\t_\n2\tneed\tneed\tVERB\t_\t_\t0\troot\t_\t_\n3\tbread\tbread\tNOUN\t_\t_\t2\tobj\t_\t_\n" +
        "4\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_\n\n";

    public void Dispose()
    {
        Files.Dispose();
        GC.SuppressFinalize(this);
    }
}
