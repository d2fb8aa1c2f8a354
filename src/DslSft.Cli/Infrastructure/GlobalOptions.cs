using System.CommandLine;

namespace DslSft.Cli.Infrastructure;

/// <summary>Options every command accepts (declared once on the root, recursive).</summary>
public static class GlobalOptions
{
    /// <summary>Show stack traces and extra detail on errors.</summary>
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show stack traces and extra detail on errors.",
        Recursive = true,
    };

    /// <summary>
    /// Machine-readable results. Without a value the JSON goes to stdout (and only JSON does); with a
    /// path it is written there atomically and the human-readable output still goes to stdout.
    /// </summary>
    public static readonly Option<string?> Json = new("--json")
    {
        Description = "Write results as JSON: to stdout (no value) or to the given file.",
        Recursive = true,
        Arity = ArgumentArity.ZeroOrOne,
        HelpName = "path",
    };

    /// <summary>Accept FIFOs and devices as input files (refused by default: a FIFO without a writer blocks forever).</summary>
    public static readonly Option<bool> AllowSpecialFiles = new("--allow-special-files")
    {
        Description = "Read input from FIFOs, devices and sockets too (refused by default; size limits still apply).",
        Recursive = true,
    };

    /// <summary>What <see cref="JsonTarget"/> returns when JSON goes to stdout.</summary>
    internal const string StdoutMarker = "-";

    /// <summary>
    /// Where <c>--json</c> sends results: null when absent, <see cref="StdoutMarker"/> when given without a
    /// value (or as "-"), else the path. (An option's value alone cannot tell "absent" from "no value".)
    /// </summary>
    public static string? JsonTarget(ParseResult parse)
    {
        var result = parse.GetResult(Json);
        if (result is null || result.Implicit) return null;
        var value = parse.GetValue(Json);
        return string.IsNullOrEmpty(value) ? StdoutMarker : value;
    }
}
