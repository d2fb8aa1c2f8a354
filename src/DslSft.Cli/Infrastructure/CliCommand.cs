using System.CommandLine;

namespace DslSft.Cli.Infrastructure;

/// <summary>
/// The pattern every command follows (one file per command under Commands/): a description with a
/// worked example for <c>--help</c> (printed by <see cref="HelpWithExamplesAction"/>), and an action that receives a <see cref="CliContext"/>. Exceptions
/// are left to <see cref="CliApp"/>, which maps them to exit codes in one place.
/// </summary>
public static class CliCommand
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Command, string[]> Examples = new();

    /// <summary>A command whose help ends with "Examples:" and the given command lines.</summary>
    public static Command Create(string name, string description, params string[] examples)
    {
        var command = new Command(name, description);
        SetExamples(command, examples);
        return command;
    }

    /// <summary>Sets the worked examples shown at the end of <paramref name="command"/>'s help.</summary>
    public static void SetExamples(Command command, params string[] examples) => Examples.AddOrUpdate(command, examples);

    /// <summary>The worked examples of <paramref name="command"/> (empty when it has none).</summary>
    public static IReadOnlyList<string> ExamplesOf(Command command) => Examples.TryGetValue(command, out var examples) ? examples : [];

    /// <summary>Sets the action; it returns the exit code (use the <see cref="CliApp"/> constants).</summary>
    public static void SetHandler(this Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> action) =>
        command.SetAction((parse, cancel) =>
        {
            var config = parse.InvocationConfiguration;
            return action(parse, new CliContext(parse, config.Output, config.Error), cancel);
        });

    /// <summary>Synchronous variant of <see cref="SetHandler(Command, Func{ParseResult, CliContext, CancellationToken, Task{int}})"/>.</summary>
    public static void SetHandler(this Command command, Func<ParseResult, CliContext, int> action) =>
        command.SetHandler((parse, context, _) => Task.FromResult(action(parse, context)));
}
