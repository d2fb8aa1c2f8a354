namespace DslSft.Cli.Infrastructure;

/// <summary>A run stopped by an interruption, with a message that says what was kept and how to continue.</summary>
public sealed class RunInterruptedException(string message, Exception? inner = null) : OperationCanceledException(message, inner);
