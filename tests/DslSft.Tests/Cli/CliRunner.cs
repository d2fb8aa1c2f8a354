using System.CommandLine;
using DslSft.Cli;

namespace DslSft.Tests.Cli;

/// <summary>Runs the CLI in process with captured stdout/stderr.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => Run(CliApp.BuildRoot(), args);

    public static Result Run(Command root, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.RunAsync(root, args, stdout, stderr).GetAwaiter().GetResult();
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
