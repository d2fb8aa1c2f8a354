namespace DslSft.IO;

/// <summary>
/// Writes files and directories so that readers never see half-written output and an interruption never loses the
/// previous output: everything goes to a temporary sibling (<see cref="Temporaries"/>) and is renamed into place only
/// when complete. A directory replaces an existing one by an atomic swap (Linux <c>renameat2(RENAME_EXCHANGE)</c>), so
/// at every instant the path holds either the old or the new output, complete. Where the swap is unsupported, the old
/// one is moved aside first and put back by the next write if the process died in between.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which receives a temporary path to fill.</summary>
    public static void Write(string path, Action<string> write)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new InvalidInputException("is a directory; cannot write a file there", full);
        var temp = Temporaries.Prepare(full);
        try
        {
            write(temp);
            PublishHold.At("before-rename");
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            Temporaries.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="path"/> from a stream callback, flushed to disk before the rename.</summary>
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
    /// Creates the directory <paramref name="path"/> atomically: <paramref name="fill"/> populates a temporary sibling
    /// directory, which then replaces <paramref name="path"/> (see <see cref="PublishDirectory"/>). An existing
    /// directory is replaced only when <paramref name="overwrite"/> is true.
    /// </summary>
    public static void WriteDirectory(string path, Action<string> fill, bool overwrite = false)
    {
        var full = Path.GetFullPath(path.TrimEnd('/', '\\'));
        if ((Directory.Exists(full) || File.Exists(full)) && !overwrite)
            throw new InvalidInputException("output directory already exists (pass overwrite to replace it)", full);
        var temp = Temporaries.Prepare(full);
        try
        {
            Directory.CreateDirectory(temp);
            fill(temp);
            PublishDirectory(temp, full);
        }
        finally
        {
            Temporaries.Delete(temp);
        }
    }

    /// <summary>
    /// Puts the complete directory <paramref name="temporary"/> (a sibling from <see cref="Temporaries.Prepare"/>) at
    /// <paramref name="target"/>, replacing whatever is there. The replaced output ends up at <paramref name="temporary"/>
    /// and is deleted; if the process dies first, the next write next to <paramref name="target"/> removes it.
    /// </summary>
    public static void PublishDirectory(string temporary, string target)
    {
        PublishHold.At("before-swap");
        if (!Directory.Exists(target) && !File.Exists(target))
        {
            Directory.Move(temporary, target);
            return;
        }
        if (LinuxFileSystem.TryExchange(temporary, target))
        {
            PublishHold.At("after-swap");
        }
        else
        {
            var aside = Temporaries.AsidePath(target);
            Directory.Move(target, aside);
            PublishHold.At("moved-aside");
            Directory.Move(temporary, target);
            temporary = aside;
        }
        Temporaries.Delete(temporary);
    }
}
