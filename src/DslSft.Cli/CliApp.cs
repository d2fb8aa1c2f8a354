using System.CommandLine;
using System.CommandLine.Invocation;
using DslSft.Cli.Commands;
using DslSft.Cli.Infrastructure;

namespace DslSft.Cli;

/// <summary>
/// Builds the `dslsft` command tree and runs it. Exit codes: 0 success; 2 bad usage or bad input
/// (<see cref="InvalidInputException"/>: message only, no stack trace); 130 (143 for SIGTERM) interrupted; 1 anything
/// else. Errors are mapped here, once, so every command behaves the same.
/// </summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;
    public const int ExitInterrupted = 130;

    public const string ProgramName = "dslsft";

    /// <summary>The commands, one file each under Commands/. Adding a command is one line here.</summary>
    private static IEnumerable<Command> Commands()
    {
        yield return SelfCheckCommand.Create();
        yield return DataCommand.Create();
        yield return ModelsCommand.Create();
        yield return TrainLangCommand.Create();
        yield return TrainTaskCommand.Create();
        yield return EvalCommand.Create();
        yield return ComposeCommand.Create();
        yield return MergeCommand.Create();
        yield return ImportCommand.Create();
        yield return ExportCommand.Create();
        yield return InspectCommand.Create();
        yield return DemoCommand.Create();
        yield return ExperimentCommand.Create();
    }

    /// <summary>
    /// The root command, named <c>dslsft</c> explicitly: a <see cref="RootCommand"/> takes its name from the
    /// host assembly (DslSft.Cli), which would show in every usage line.
    /// </summary>
    public static Command BuildRoot()
    {
        var root = new Command(ProgramName, "DslSft: composable sparse fine-tuning (LT-SFT) of transformer encoders.");
        CliCommand.SetExamples(root, "dslsft data ../shared/data/ud/en_ewt-ud-dev.conllu", "dslsft selfcheck", "dslsft --version");
        root.Options.Add(HelpWithExamplesAction.CreateOption());
        root.Options.Add(new VersionOption { Action = new VersionAction() });
        root.Options.Add(GlobalOptions.Verbose);
        root.Options.Add(GlobalOptions.Json);
        root.Options.Add(GlobalOptions.AllowSpecialFiles);
        foreach (var command in Commands()) root.Subcommands.Add(command);
        FiniteNumbers.RequireEverywhere(root);
        return root;
    }

    /// <summary>Runs the CLI with the process's console, handling Ctrl-C and SIGTERM (<see cref="Interruption"/>).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var interruption = new Interruption(Console.Error);
        int code = await RunAsync(args, Console.Out, Console.Error, interruption.Token);
        return code == ExitInterrupted ? interruption.ExitCode : code;
    }

    /// <summary>Runs the CLI writing to the given streams (tests run commands in process this way).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancel = default) =>
        RunAsync(BuildRoot(), args, output, error, cancel);

    /// <summary>Runs <paramref name="root"/> (built by <see cref="BuildRoot"/>, possibly extended) with the CLI's error handling.</summary>
    public static async Task<int> RunAsync(Command root, string[] args, TextWriter output, TextWriter error, CancellationToken cancel = default)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpWithExamplesAction && parse.Action is not VersionAction)
        {
            foreach (var e in parse.Errors) error.WriteLine($"error: {e.Message}");
            error.WriteLine($"Run 'dslsft {CommandPath(parse)}--help' for usage.");
            return ExitUsage;
        }
        bool verbose = parse.GetValue(GlobalOptions.Verbose);
        DslSft.IO.InputFile.AllowSpecialFiles = parse.GetValue(GlobalOptions.AllowSpecialFiles);
        try
        {
            // Signals are handled by Interruption (RunAsync(string[])), not by System.CommandLine, which would end the
            // process two seconds after the first Ctrl-C, before a large checkpoint is written.
            var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await parse.InvokeAsync(configuration, cancel);
        }
        catch (InvalidInputException e)
        {
            error.WriteLine($"error: {e.Message}");
            if (verbose) error.WriteLine(e.ToString());
            return ExitUsage;
        }
        catch (OperationCanceledException e)
        {
            // Ctrl-C, SIGTERM or the caller's token; a training command says where its checkpoint is.
            error.WriteLine(e is RunInterruptedException ? e.Message : "interrupted");
            return ExitInterrupted;
        }
        catch (Exception e) when (InputPathErrors.Describe(e) is { } message)
        {
            // A path the user gave that cannot be used (a safety net: readers and writers report these themselves).
            error.WriteLine($"error: {message}");
            if (verbose) error.WriteLine(e.ToString());
            return ExitUsage;
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
