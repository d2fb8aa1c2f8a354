using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Cli.Commands;

/// <summary>What the end-to-end command tests share: a temporary directory (deleted afterwards), the tiny-bert fixture and small input files.</summary>
public abstract class CliCommandTestBase : IDisposable
{
    protected readonly string _dir = Directory.CreateTempSubdirectory("dslsft-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    protected static string TinyBert => SharedData.Fixture("tiny-bert");

    protected string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Six copies of a three-word UD sentence.</summary>
    protected string Conllu() => Write("train.conllu", string.Join("", Enumerable.Range(0, 6).Select(i =>
        $"# text = the dog runs\n1\tthe\tthe\tDET\t_\t_\t2\tdet\t_\t_\n2\tdog\tdog\tNOUN\t_\t_\t3\tnsubj\t_\t_\n3\truns\trun\tVERB\t_\t_\t0\troot\t_\t_\n\n")));
}
