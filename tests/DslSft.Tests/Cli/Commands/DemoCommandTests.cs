namespace DslSft.Tests.Cli.Commands;

/// <summary>The demo's study options are validated before any work starts, and nothing is written on refusal.</summary>
public sealed class DemoCommandTests
{
    [Theory]
    [InlineData("--target-share", "1.5", "--target-share must be between 0 and 1")]
    [InlineData("--target-share", "0", "--target-share must be between 0 and 1")]
    [InlineData("--task-k", "0", "--task-k must be in (0, 1]")]
    [InlineData("--language-k", "1.2", "--language-k must be in (0, 1]")]
    public void Out_of_range_study_options_are_user_errors(string option, string value, string message)
    {
        var output = Path.Combine(Path.GetTempPath(), "dslsft-demo-" + Guid.NewGuid().ToString("N"));
        var result = CliRunner.Run("demo", "--output", output, option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.False(Directory.Exists(output));
    }
}
