namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft compose`: base model + SFTs applied in one fused pass → a dense Hugging Face model directory (the same
/// writer as `export`). (`merge` combines SFTs into one SFT instead.)
/// </summary>
public static class ComposeCommand
{
    public static System.CommandLine.Command Create() =>
        ExportCommand.Create("compose", "Apply SFTs to the base model in one fused pass and write the dense result as a Hugging Face model directory.",
            "dslsft compose -m minilm --sft sft/lang-mt --sft sft/task-dp -o models/minilm-mt-dp");
}
