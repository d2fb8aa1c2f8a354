using System.Text.RegularExpressions;
using DslSft.Tests.Kernels;

namespace DslSft.Tests.Cli;

/// <summary>
/// docs/cli.md promises only what exists: every <c>--option</c> written under a command's section (its options table,
/// its prose, its example command lines) is listed by that command's <c>--help</c>.
/// </summary>
public class CliDocsTests
{
    private static string DocsPath => Path.Combine(GeneratedNativeFilesTests.RepositoryRoot(), "docs", "cli.md");

    [Fact]
    public void Every_option_docs_cli_md_gives_a_command_is_in_its_help()
    {
        var mentions = CliDocs.OptionMentions(File.ReadAllLines(DocsPath));
        // The parser must see the document: most commands, and the options everyone uses.
        Assert.True(mentions.Select(m => m.Command).Distinct().Count() >= 10, "expected at least ten documented commands");
        Assert.Contains(mentions, m => m.Command == "eval" && m.Option == "--sft");
        Assert.Contains(mentions, m => m.Command == "train-lang" && m.Option == "--num-params");

        var problems = new List<string>();
        foreach (var group in mentions.GroupBy(m => m.Command))
        {
            var help = CliRunner.Run(group.Key, "--help");
            if (help.ExitCode != 0)
            {
                problems.Add($"docs/cli.md documents `dslsft {group.Key}` (line {group.First().Line}), which has no --help (exit {help.ExitCode})");
                continue;
            }
            var listed = CliDocs.Options(help.Stdout);
            foreach (var mention in group.DistinctBy(m => m.Option).Where(m => !listed.Contains(m.Option)))
                problems.Add($"docs/cli.md:{mention.Line}: `dslsft {group.Key}` documents {mention.Option}, which `dslsft {group.Key} --help` does not list");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_parser_attributes_options_to_their_command_and_example_lines_to_the_command_they_run()
    {
        string[] doc =
        [
            "# title", "--not-in-a-command", "## Commands",
            "### `dslsft data FILE`", "| `--format`, `-f <x>` | Format; `--top <n>`. |", "```",
            "dslsft data x --iob1", "./dslsft eval -t pos --sft a \\", "    --data b", "```", "Also--not-an-option and a---dash.",
            "### `dslsft eval`", "text `--mst`", "## Adding a command", "--not-either",
        ];
        var mentions = CliDocs.OptionMentions(doc).Select(m => (m.Command, m.Option, m.Line)).ToList();
        Assert.Equal(new (string, string, int)[]
        {
            ("data", "--format", 5), ("data", "--top", 5), ("data", "--iob1", 7), ("eval", "--sft", 8), ("eval", "--data", 9), ("eval", "--mst", 13),
        }, mentions);
        Assert.Equal(new HashSet<string> { "--json", "--model" }, CliDocs.Options("  -m, --model <name>  Base model\n  --json <path>  JSON\n"));
    }
}

/// <summary>Reads the options docs/cli.md gives each command, and the options a --help text lists.</summary>
internal static partial class CliDocs
{
    public sealed record Mention(string Command, string Option, int Line);

    [GeneratedRegex(@"^###\s+`(?:\./)?dslsft\s+([a-z][a-z-]*)")]
    private static partial Regex CommandHeading();

    [GeneratedRegex(@"^#{1,3}\s")]
    private static partial Regex AnyHeading();

    [GeneratedRegex(@"^(?:\./)?dslsft\s+([a-z][a-z-]*)")]
    private static partial Regex CommandLine();

    /// <summary>
    /// An option token: two dashes and a lower-case word, not glued to a word or another dash before it. Underscores
    /// count as part of it, so that another tool's option (<c>--gradient_checkpointing</c>) is not read as a prefix of ours.
    /// </summary>
    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9_-]*[a-z0-9]")]
    private static partial Regex OptionToken();

    /// <summary>
    /// Each <c>--option</c> under a <c>### `dslsft NAME ...`</c> heading, attributed to NAME; inside a code block, an
    /// example line starting with <c>dslsft OTHER</c> (and its <c>\</c> continuation lines) is attributed to OTHER.
    /// Text outside command sections (conventions, "Adding a command") is not read.
    /// </summary>
    public static IReadOnlyList<Mention> OptionMentions(IReadOnlyList<string> lines)
    {
        var mentions = new List<Mention>();
        string? section = null, example = null;
        bool inCode = false, continued = false;
        for (int i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (!inCode && AnyHeading().IsMatch(line))
            {
                var heading = CommandHeading().Match(line);
                section = heading.Success ? heading.Groups[1].Value : null;
                continue;
            }
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
                example = null;
                continued = false;
                continue;
            }
            if (section is null) continue;
            string owner = section;
            if (inCode)
            {
                var run = CommandLine().Match(trimmed);
                if (run.Success) example = run.Groups[1].Value;
                else if (!continued) example = null;
                owner = example ?? section;
                continued = trimmed.EndsWith('\\');
            }
            foreach (Match token in OptionToken().Matches(line)) mentions.Add(new Mention(owner, token.Value, i + 1));
        }
        return mentions;
    }

    /// <summary>The options a --help text lists (each option line's <c>--names</c>).</summary>
    public static HashSet<string> Options(string help) =>
        help.Split('\n').Where(l => l.TrimStart().StartsWith('-'))
            .SelectMany(l => OptionToken().Matches(l.Split("  ", 3, StringSplitOptions.RemoveEmptyEntries)[0]).Select(m => m.Value))
            .ToHashSet(StringComparer.Ordinal);
}
