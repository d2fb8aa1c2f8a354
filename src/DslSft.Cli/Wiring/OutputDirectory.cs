using DslSft.IO;

namespace DslSft.Cli.Wiring;

/// <summary>
/// Publishes a command's output directory atomically (<see cref="AtomicFile.PublishDirectory"/>): the content is written
/// into a temporary sibling that replaces the output only when complete, so whenever the process stops, the output path
/// holds the old output or the new one, complete. A failed run leaves neither a half-written directory nor its
/// temporary behind. An existing output is replaced only with <c>--overwrite</c>.
/// </summary>
public static class OutputDirectory
{
    /// <summary>
    /// Fails early (before any expensive work) when <paramref name="path"/> exists and <paramref name="overwrite"/> is false,
    /// or when it cannot be written (its parent is a file, or not writable).
    /// </summary>
    public static void CheckWritable(string path, bool overwrite)
    {
        if (!overwrite && (Directory.Exists(path) || File.Exists(path)))
            throw new InvalidInputException("output already exists (use --overwrite to replace it)", path);
        // Probes that the output can be written (creating nothing) and removes what dead runs left beside it.
        Temporaries.Check(Full(path));
    }

    /// <summary>
    /// Calls <paramref name="fill"/> with a not-yet-existing temporary directory path next to <paramref name="path"/>;
    /// when it returns, that directory replaces <paramref name="path"/>.
    /// </summary>
    public static T Write<T>(string path, bool overwrite, Func<string, T> fill)
    {
        CheckWritable(path, overwrite);
        var full = Full(path);
        var temporary = Temporaries.Prepare(full);
        try
        {
            var result = fill(temporary);
            if (!Directory.Exists(temporary)) throw new InvalidOperationException($"nothing was written to {temporary}");
            AtomicFile.PublishDirectory(temporary, full);
            return result;
        }
        finally
        {
            Temporaries.Delete(temporary);
        }
    }

    /// <summary>The absolute output path without a trailing separator.</summary>
    public static string Full(string path) => Path.GetFullPath(path.TrimEnd(Path.DirectorySeparatorChar));
}
