using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using DslSft.IO;
using Spectre.Console;

namespace DslSft.Cli.Infrastructure;

/// <summary>
/// What a running command may touch: stdout/stderr writers (redirectable for in-process tests), Spectre
/// consoles over them, and the global <c>--verbose</c>/<c>--json</c> settings. Human-readable output goes
/// to <see cref="Console"/>; progress and diagnostics go to <see cref="ErrorConsole"/> so stdout stays clean
/// for JSON and pipes.
/// </summary>
public sealed class CliContext
{
    public CliContext(ParseResult parse, TextWriter output, TextWriter error)
    {
        Output = output;
        Error = error;
        Verbose = parse.GetValue(GlobalOptions.Verbose);
        JsonTarget = GlobalOptions.JsonTarget(parse);
        if (JsonTarget is { } target && !JsonToStdout) CheckJsonTarget(target);
        Console = CreateConsole(output, interactive: ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected);
        ErrorConsole = CreateConsole(error, interactive: ReferenceEquals(error, System.Console.Error) && !System.Console.IsErrorRedirected);
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public bool Verbose { get; }

    /// <summary>null: no JSON; "-": JSON to stdout; otherwise the path to write it to.</summary>
    public string? JsonTarget { get; }

    /// <summary>True when stdout carries JSON only, so human-readable output must be suppressed.</summary>
    public bool JsonToStdout => JsonTarget == GlobalOptions.StdoutMarker;

    /// <summary>Human-readable output (tables); silent when <see cref="JsonToStdout"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Progress bars and notes, on stderr.</summary>
    public IAnsiConsole ErrorConsole { get; }

    /// <summary>Renders <paramref name="renderable"/> to stdout unless stdout is reserved for JSON.</summary>
    public void Show(Spectre.Console.Rendering.IRenderable renderable)
    {
        if (!JsonToStdout) Console.Write(renderable);
    }

    /// <summary>Writes a plain line to stdout unless stdout is reserved for JSON.</summary>
    public void ShowLine(string text)
    {
        if (!JsonToStdout) Output.WriteLine(text);
    }

    /// <summary>Writes <paramref name="json"/> where <c>--json</c> asked (nothing when it was not given).</summary>
    public void WriteJson(JsonNode json)
    {
        if (JsonTarget is null) return;
        var text = json.ToJsonString(JsonOptions) + "\n";
        if (JsonToStdout) Output.Write(text);
        else AtomicFile.WriteAllText(JsonTarget, text);
    }

    /// <summary>A --json file is written at the end of a run; a path that cannot take it is refused before the work starts.</summary>
    private static void CheckJsonTarget(string path)
    {
        if (Directory.Exists(path)) throw new InvalidInputException("--json: is a directory; give a file path (or no value for stdout)", path);
        Temporaries.Check(Path.GetFullPath(path));
    }

    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Width used when output is not a terminal (files, pipes, tests), so tables render the same everywhere.</summary>
    public const int RedirectedWidth = 120;

    private static IAnsiConsole CreateConsole(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
