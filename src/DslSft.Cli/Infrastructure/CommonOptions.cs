using System.CommandLine;
using DslSft.Tasks;

namespace DslSft.Cli.Infrastructure;

/// <summary>
/// Options shared by several commands, built fresh per command (System.CommandLine symbols belong to
/// one parent). Names and meanings are fixed here so every command spells them the same way.
/// </summary>
public static class CommonOptions
{
    /// <summary><c>--model</c>: a model name from the registry or a Hugging Face model directory.</summary>
    public static Option<string> Model(bool required = true) => new("--model", "-m")
    {
        Description = "Base model: a registry name (see 'dslsft models') or a Hugging Face model directory.",
        Required = required,
        HelpName = "name|dir",
    };

    /// <summary><c>--sft</c>: one or more SFT files or directories, applied in the order given (repeatable).</summary>
    public static Option<string[]> Sft(bool required = false) => new("--sft")
    {
        Description = "A sparse fine-tuning to apply (file or directory); repeat to compose several, e.g. a language SFT and a task SFT.",
        Required = required,
        Arity = required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
        HelpName = "path",
    };

    /// <summary><c>--output</c>: where results go; always written atomically.</summary>
    public static Option<string> Output(string description = "Output path (written atomically: nothing is left behind on failure).", bool required = true) => new("--output", "-o")
    {
        Description = description,
        Required = required,
        HelpName = "path",
    };

    /// <summary><c>--seed</c>: random seed for sampling, masking and initialisation.</summary>
    public static Option<int> Seed() => new("--seed")
    {
        Description = "Random seed (data order, masking, head initialisation).",
        DefaultValueFactory = _ => 42,
    };

    /// <summary><c>--task</c>: one of pos, ner, dp, nli, sc, qa.</summary>
    public static Option<TaskKind> Task(bool required = true)
    {
        var option = new Option<TaskKind>("--task", "-t")
        {
            Description = $"Task: {string.Join(", ", TaskKinds.AllNames)}.",
            Required = required,
            HelpName = string.Join("|", TaskKinds.AllNames),
            CustomParser = result =>
            {
                try { return TaskKinds.Parse(result.Tokens[0].Value); }
                catch (InvalidInputException e) { result.AddError(e.Message); return default; }
            },
        };
        option.AcceptOnlyFromAmong(TaskKinds.AllNames.ToArray());
        return option;
    }

    /// <summary><c>--max-length</c>: maximum input length in tokens (special tokens included).</summary>
    public static Option<int> MaxLength(int defaultValue = 256) => new("--max-length")
    {
        Description = "Maximum input length in tokens, special tokens included; longer token-task examples are dropped and counted.",
        DefaultValueFactory = _ => defaultValue,
    };

    /// <summary><c>--overwrite</c>: replace an existing output.</summary>
    public static Option<bool> Overwrite() => new("--overwrite")
    {
        Description = "Replace the output if it already exists.",
    };
}
