namespace DslSft;

/// <summary>
/// Bad input from the user: a malformed file, a wrong shape, a missing path, an SFT for another base model.
/// The message names the file (and line or tensor where there is one). The CLI prints it without a stack
/// trace and exits with code 2; everything else is an internal error (exit code 1).
/// </summary>
public class InvalidInputException : Exception
{
    public InvalidInputException(string message, string? path = null, long? line = null, Exception? inner = null)
        : base(Format(message, path, line), inner)
    {
        Path = path;
        Line = line;
    }

    /// <summary>The file (or directory) at fault, when there is one.</summary>
    public string? Path { get; }

    /// <summary>1-based line number in <see cref="Path"/>, when the input is line-oriented.</summary>
    public long? Line { get; }

    private static string Format(string message, string? path, long? line) =>
        path is null ? message : line is null ? $"{path}: {message}" : $"{path}:{line}: {message}";
}
