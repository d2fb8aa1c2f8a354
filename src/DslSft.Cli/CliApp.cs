using System.CommandLine;
using System.CommandLine.Invocation;
using DslSft.Cli.Commands;

namespace DslSft.Cli;

/// <summary>Builds the `dslsft` command tree and runs it. Exit codes: 0 success, 2 bad usage or input, 1 anything else.</summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("DslSft: composable sparse fine-tuning (LT-SFT) of transformer encoders.");
        foreach (var option in root.Options)
            if (option is VersionOption version) version.Action = new VersionAction();
        root.Subcommands.Add(SelfCheckCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
            Console.Error.WriteLine("Run 'dslsft --help' for usage.");
            return ExitUsage;
        }
        return await parse.InvokeAsync();
    }

    /// <summary>Prints DslSft, native library, TorchSharp and libtorch versions.</summary>
    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            foreach (var (name, value) in BuildInfo.Describe())
                Console.WriteLine($"{name + ":",-16} {value}");
            return ExitOk;
        }
    }
}
