namespace DslSft.IO;

/// <summary>
/// Writes files and directories so that readers never see half-written output: everything goes to a
/// temporary sibling first and is renamed into place only when complete. A failed or interrupted write
/// leaves the previous file (or nothing) behind, plus at most a temporary that the next write removes.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which receives a temporary path to fill.</summary>
    public static void Write(string path, Action<string> write)
    {
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(full)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            write(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="path"/> from a stream callback.</summary>
    public static void WriteStream(string path, Action<Stream> write) =>
        Write(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(stream);
            stream.Flush(flushToDisk: true);
        });

    /// <summary>Writes text atomically (UTF-8, no BOM).</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, temp => File.WriteAllText(temp, text));

    /// <summary>
    /// Creates the directory <paramref name="path"/> atomically: <paramref name="fill"/> populates a temporary
    /// sibling directory, which is then renamed into place. An existing directory is replaced only when
    /// <paramref name="overwrite"/> is true (it is moved aside first and deleted after the rename).
    /// </summary>
    public static void WriteDirectory(string path, Action<string> fill, bool overwrite = false)
    {
        var full = System.IO.Path.GetFullPath(path.TrimEnd('/', '\\'));
        if (Directory.Exists(full) && !overwrite)
            throw new InvalidInputException("output directory already exists (pass overwrite to replace it)", full);
        var parent = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        var name = System.IO.Path.GetFileName(full);
        var temp = System.IO.Path.Combine(parent, $".{name}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            fill(temp);
        }
        catch
        {
            TryDeleteDirectory(temp);
            throw;
        }
        string? old = null;
        if (Directory.Exists(full))
        {
            old = System.IO.Path.Combine(parent, $".{name}.old-{Guid.NewGuid():N}");
            Directory.Move(full, old);
        }
        Directory.Move(temp, full);
        if (old is not null) TryDeleteDirectory(old);
    }

    private static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void TryDeleteDirectory(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
