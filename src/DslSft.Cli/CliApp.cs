using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using DslSft.Cli.Commands;
using DslSft.Cli.Infrastructure;

namespace DslSft.Cli;

/// <summary>
/// Builds the `dslsft` command tree and runs it. Exit codes: 0 success; 2 bad usage or bad input
/// (<see cref="InvalidInputException"/>: message only, no stack trace); 1 anything else. Errors are
/// mapped here, once, so every command behaves the same.
/// </summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    /// <summary>The commands, one file each under Commands/. Adding a command is one line here.</summary>
    private static IEnumerable<Command> Commands()
    {
        yield return SelfCheckCommand.Create();
        yield return DataCommand.Create();
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("DslSft: composable sparse fine-tuning (LT-SFT) of transformer encoders.\n\nExamples:\n  dslsft data ../shared/data/ud/en_ewt-ud-dev.conllu\n  dslsft selfcheck\n  dslsft --version");
        foreach (var option in root.Options)
            if (option is VersionOption version) version.Action = new VersionAction();
        root.Options.Add(GlobalOptions.Verbose);
        root.Options.Add(GlobalOptions.Json);
        foreach (var command in Commands()) root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Runs the CLI with the process's console.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs the CLI writing to the given streams (tests run commands in process this way).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancel = default) =>
        RunAsync(BuildRoot(), args, output, error, cancel);

    /// <summary>Runs <paramref name="root"/> (built by <see cref="BuildRoot"/>, possibly extended) with the CLI's error handling.</summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter output, TextWriter error, CancellationToken cancel = default)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction && parse.Action is not VersionAction)
        {
            foreach (var e in parse.Errors) error.WriteLine($"error: {e.Message}");
            error.WriteLine($"Run 'dslsft {CommandPath(parse)}--help' for usage.");
            return ExitUsage;
        }
        bool verbose = parse.GetValue(GlobalOptions.Verbose);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancel);
        }
        catch (InvalidInputException e)
        {
            error.WriteLine($"error: {e.Message}");
            if (verbose) error.WriteLine(e.ToString());
            return ExitUsage;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            error.WriteLine("cancelled");
            return ExitFailure;
        }
        catch (Exception e)
        {
            error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            error.WriteLine(verbose ? e.ToString() : "(run with --verbose for the stack trace)");
            return ExitFailure;
        }
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result?.Parent is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, result.Command.Name);
        return names.Count == 0 ? "" : string.Join(' ', names) + " ";
    }

    /// <summary>Prints DslSft, native library, TorchSharp and libtorch versions.</summary>
    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var output = parseResult.InvocationConfiguration.Output;
            foreach (var (name, value) in BuildInfo.Describe())
                output.WriteLine($"{name + ":",-16} {value}");
            return ExitOk;
        }
    }
}
