namespace DslSft.Cli.Commands;

/// <summary>`dslsft merge`: applies SFTs to the base model and writes the result as a dense model directory (the same writer as `export`).</summary>
public static class MergeCommand
{
    public static System.CommandLine.Command Create() =>
        ExportCommand.Create("merge", "Apply SFTs to the base model and write the dense result as a model directory.",
            "dslsft merge -m minilm --sft sft/lang-mt --sft sft/task-dp -o models/minilm-mt-dp");
}
