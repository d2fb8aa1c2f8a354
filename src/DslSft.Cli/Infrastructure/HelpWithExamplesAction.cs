using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace DslSft.Cli.Infrastructure;

/// <summary>
/// The standard help, followed by an "Examples:" section with the command's worked examples (kept out of
/// the description so that command lists stay one line per command).
/// </summary>
internal sealed class HelpWithExamplesAction(HelpAction standard) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        int code = standard.Invoke(parseResult);
        var examples = CliCommand.ExamplesOf(parseResult.CommandResult.Command);
        if (examples.Count > 0)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var example in examples) output.WriteLine($"  {example}");
            output.WriteLine();
        }
        return code;
    }

    /// <summary>A help option (-h, --help, -?) that prints examples too.</summary>
    public static HelpOption CreateOption()
    {
        var option = new HelpOption();
        option.Action = new HelpWithExamplesAction((HelpAction)option.Action!);
        return option;
    }
}
