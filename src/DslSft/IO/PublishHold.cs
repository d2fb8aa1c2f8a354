namespace DslSft.IO;

/// <summary>
/// A fault-injection point for tests of atomic publishing: when the environment variable <c>DSLSFT_TEST_HOLD_AT</c>
/// names a publish stage ("before-swap", "after-swap", "moved-aside", "before-rename"), the process announces it on
/// stderr and waits there forever, so a test can kill it at exactly that instant. Unset, it costs one lookup.
/// </summary>
internal static class PublishHold
{
    public const string Variable = "DSLSFT_TEST_HOLD_AT";

    public static void At(string stage)
    {
        if (Environment.GetEnvironmentVariable(Variable) != stage) return;
        Console.Error.WriteLine($"held at {stage}");
        Console.Error.Flush();
        Thread.Sleep(Timeout.Infinite);
    }
}
