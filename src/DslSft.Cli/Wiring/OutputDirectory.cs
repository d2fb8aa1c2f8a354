namespace DslSft.Cli.Wiring;

/// <summary>
/// Publishes a command's output directory atomically: the content is written into a temporary sibling that is
/// renamed into place only when complete, so a failed or cancelled run leaves neither a half-written directory
/// nor the temporary behind. An existing output is replaced only with <c>--overwrite</c>.
/// </summary>
public static class OutputDirectory
{
    /// <summary>
    /// Fails early (before any expensive work) when <paramref name="path"/> exists and <paramref name="overwrite"/> is false.
    /// </summary>
    public static void CheckWritable(string path, bool overwrite)
    {
        if (!overwrite && (Directory.Exists(path) || File.Exists(path)))
            throw new InvalidInputException("output already exists (use --overwrite to replace it)", path);
    }

    /// <summary>
    /// Calls <paramref name="fill"/> with a not-yet-existing temporary directory path next to <paramref name="path"/>;
    /// when it returns, that directory replaces <paramref name="path"/>.
    /// </summary>
    public static T Write<T>(string path, bool overwrite, Func<string, T> fill)
    {
        CheckWritable(path, overwrite);
        var full = Path.GetFullPath(path.TrimEnd(Path.DirectorySeparatorChar));
        var parent = Path.GetDirectoryName(full)!;
        System.IO.Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        try
        {
            var result = fill(temporary);
            if (!System.IO.Directory.Exists(temporary)) throw new InvalidOperationException($"nothing was written to {temporary}");
            if (System.IO.Directory.Exists(full)) System.IO.Directory.Delete(full, recursive: true);
            else if (File.Exists(full)) File.Delete(full);
            System.IO.Directory.Move(temporary, full);
            return result;
        }
        finally
        {
            if (System.IO.Directory.Exists(temporary)) System.IO.Directory.Delete(temporary, recursive: true);
        }
    }
}
