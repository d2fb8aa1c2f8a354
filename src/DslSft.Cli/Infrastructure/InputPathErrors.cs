namespace DslSft.Cli.Infrastructure;

/// <summary>
/// The file-system errors that mean "a path you gave cannot be used" (missing, a directory where a file belongs, no
/// permission, a symbolic-link loop, a file where a directory belongs): exit code 2 with the message, which names the
/// path, rather than an internal error. Readers and writers report these themselves; this is the net below them.
/// </summary>
internal static class InputPathErrors
{
    // errno values .NET puts in IOException.HResult on Unix.
    private const int NotADirectory = 20, IsADirectory = 21, LinkLoop = 40, NameTooLong = 36, ReadOnlyFileSystem = 30;

    public static string? Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException or PathTooLongException => e.Message,
        UnauthorizedAccessException => $"permission denied: {e.Message}",
        IOException { HResult: NotADirectory or IsADirectory or LinkLoop or NameTooLong or ReadOnlyFileSystem } => e.Message,
        _ => null,
    };
}
