using System.CommandLine;
using DslSft.Cli;

namespace DslSft.Tests.Cli;

/// <summary>Runs the CLI in process with captured stdout/stderr.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => Run(CliApp.BuildRoot(), args);

    /// <summary>Runs and asserts exit 0, showing the command line and its stderr when it fails.</summary>
    public static Result Succeed(params string[] args)
    {
        var r = Run(args);
        Xunit.Assert.True(r.ExitCode == 0, $"dslsft {string.Join(' ', args)}: exit {r.ExitCode}\n{r.Stderr}");
        return r;
    }

    /// <summary>The JSON a command printed with <c>--json -</c>.</summary>
    public static System.Text.Json.Nodes.JsonNode Json(this Result r) => System.Text.Json.Nodes.JsonNode.Parse(r.Stdout)!;

    public static Result Run(Command root, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.RunAsync(root, args, stdout, stderr).GetAwaiter().GetResult();
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
