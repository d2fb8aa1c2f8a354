using System.CommandLine;
using System.Text.Json.Nodes;
using DslSft.Cli;
using DslSft.Cli.Infrastructure;
using DslSft.Tests.Data;
using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Cli;

public class CliAppTests
{
    private const string StackTraceMarker = "   at ";

    [Fact]
    public void Every_command_has_help_with_a_worked_example()
    {
        foreach (var command in CliApp.BuildRoot().Subcommands)
        {
            var result = CliRunner.Run(command.Name, "--help");
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("Examples:", result.Stdout);
            Assert.Contains($"dslsft {command.Name}", result.Stdout);
            Assert.Contains($"Usage:\n  dslsft {command.Name}", result.Stdout.Replace("\r\n", "\n"));
            Assert.Contains("--verbose", result.Stdout);
            Assert.Contains("--json", result.Stdout);
        }
    }

    [Fact]
    public void Root_help_lists_commands_one_line_each_and_ends_with_examples()
    {
        var result = CliRunner.Run("--help");
        Assert.Equal(0, result.ExitCode);
        var text = result.Stdout.Replace("\r\n", "\n");
        Assert.Contains("Usage:\n  dslsft [command] [options]", text);
        Assert.Matches(@"\n  data <file> +Check a data file", text); // column width grows with the longest command name
        Assert.Equal(1, text.Split("Examples:").Length - 1);
        Assert.EndsWith("Examples:\n  dslsft data ../shared/data/ud/en_ewt-ud-dev.conllu\n  dslsft selfcheck\n  dslsft --version\n\n", text);
    }

    [Fact]
    public void Version_prints_component_versions()
    {
        var result = CliRunner.Run("--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("libtorch", result.Stdout);
    }

    [Fact]
    public void Bad_usage_exits_2_with_a_hint()
    {
        var result = CliRunner.Run("data", "x.conllu", "--no-such-option");
        Assert.Equal(CliApp.ExitUsage, result.ExitCode);
        Assert.Contains("error: Unrecognized command or argument '--no-such-option'", result.Stderr);
        Assert.Contains("Run 'dslsft data --help' for usage.", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Invalid_input_exits_2_with_the_message_and_no_stack_trace()
    {
        using var files = new TempFiles();
        var path = files.Text("bad.conllu", "1\ta\ta\tDET\t_\t_\tx\tdet\t_\t_\n");
        var result = CliRunner.Run("data", path);
        Assert.Equal(CliApp.ExitUsage, result.ExitCode);
        Assert.Equal($"error: {path}:1: expected an integer head (or _) in column 7, found 'x'\n", result.Stderr.Replace("\r\n", "\n"));
        Assert.DoesNotContain(StackTraceMarker, result.Stderr);
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        using var files = new TempFiles();
        var path = files.Text("bad.conllu", "1\ta\ta\tDET\t_\t_\tx\tdet\t_\t_\n");
        var result = CliRunner.Run("data", path, "--verbose");
        Assert.Equal(CliApp.ExitUsage, result.ExitCode);
        Assert.Contains(StackTraceMarker, result.Stderr);
    }

    [Fact]
    public void Internal_errors_exit_1_and_show_the_trace_only_when_verbose()
    {
        var root = CliApp.BuildRoot();
        var boom = CliCommand.Create("boom", "Fails.", "dslsft boom");
        boom.SetHandler((_, _) => throw new InvalidOperationException("something broke"));
        root.Subcommands.Add(boom);

        var quiet = CliRunner.Run(root, "boom");
        Assert.Equal(CliApp.ExitFailure, quiet.ExitCode);
        Assert.Contains("error: InvalidOperationException: something broke", quiet.Stderr);
        Assert.DoesNotContain(StackTraceMarker, quiet.Stderr);

        var verbose = CliRunner.Run(root, "boom", "--verbose");
        Assert.Equal(CliApp.ExitFailure, verbose.ExitCode);
        Assert.Contains(StackTraceMarker, verbose.Stderr);
    }

    [SharedDataFact]
    public void Json_without_a_path_puts_only_json_on_stdout()
    {
        var result = CliRunner.Run("data", SharedData.Ud("en_ewt-ud-dev.conllu"), "--json");
        Assert.Equal(0, result.ExitCode);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("conllu", (string?)json["format"]);
        Assert.Equal(2001, (long)json["counts"]!["sentences"]!);
        Assert.Equal(25147, (long)json["counts"]!["words"]!);
        Assert.Equal(17, json["distributions"]!["upos"]!.AsObject().Count);
    }

    [SharedDataFact]
    public void Json_with_a_path_writes_the_file_and_keeps_the_tables()
    {
        using var files = new TempFiles();
        var output = files.PathOf("summary.json");
        var result = CliRunner.Run("data", SharedData.Ud("mt_mudt-ud-dev.conllu"), "--json", output);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("sentences", result.Stdout);
        Assert.Contains("433", result.Stdout);
        Assert.Equal(433, (long)JsonNode.Parse(File.ReadAllText(output))!["counts"]!["sentences"]!);
        Assert.Equal(["summary.json"], Directory.GetFileSystemEntries(files.Root).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_command_leaves_nothing_behind()
    {
        using var files = new TempFiles();
        var input = files.Text("bad.txt", "a O\nb NOT-A-TAG\n");
        var output = files.PathOf("out/summary.json");
        var result = CliRunner.Run("data", input, "--format", "ner", "--json", output);
        Assert.Equal(CliApp.ExitUsage, result.ExitCode);
        Assert.False(File.Exists(output));
        Assert.Equal(["bad.txt"], Directory.GetFileSystemEntries(files.Root).Select(Path.GetFileName));
    }

    [Fact]
    public void Data_detects_ner_files_by_content()
    {
        using var files = new TempFiles();
        var input = files.Text("train.txt", "-DOCSTART- O\n\nAbuja B-LOC\nna O\nKano B-DATE\n\nYa O\n");
        var result = CliRunner.Run("data", input, "--masakhaner", "--json");
        Assert.Equal(0, result.ExitCode);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("ner", (string?)json["format"]);
        Assert.Equal(2, (long)json["counts"]!["sentences"]!);
        Assert.Equal(1, (long)json["counts"]!["entities"]!);
        Assert.Equal(3, (long)json["distributions"]!["tag"]!["O"]!);
    }

    [Fact]
    public void Missing_file_is_a_user_error()
    {
        var result = CliRunner.Run("data", "/nonexistent/file.conllu");
        Assert.Equal(CliApp.ExitUsage, result.ExitCode);
        Assert.Equal("error: /nonexistent/file.conllu: file not found\n", result.Stderr.Replace("\r\n", "\n"));
    }
}
