using System.CommandLine;

namespace DslSft.Cli.Infrastructure;

/// <summary>
/// The pattern every command follows (one file per command under Commands/): a description with a
/// worked example for <c>--help</c>, and an action that receives a <see cref="CliContext"/>. Exceptions
/// are left to <see cref="CliApp"/>, which maps them to exit codes in one place.
/// </summary>
public static class CliCommand
{
    /// <summary>A command whose help ends with "Examples:" and the given command lines.</summary>
    public static Command Create(string name, string description, params string[] examples)
    {
        var text = examples.Length == 0
            ? description
            : $"{description}\n\nExamples:\n{string.Join("\n", examples.Select(e => "  " + e))}";
        return new Command(name, text);
    }

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
