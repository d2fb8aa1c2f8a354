using System.Globalization;

namespace DslSft.IO;

/// <summary>
/// The temporary siblings atomic writes use, named <c>.NAME.tmp-PID-GUID</c> (work in progress) and
/// <c>.NAME.old-PID-GUID</c> (an old output moved aside where an atomic swap is unsupported). The process id says who
/// owns one: before writing NAME, the leftovers of processes that no longer run are removed, and an old output that was
/// moved aside by a process that died before putting the new one in place is restored.
/// </summary>
public static class Temporaries
{
    private const string WorkTag = ".tmp-";
    private const string AsideTag = ".old-";

    /// <summary>
    /// Makes the parent directory of <paramref name="target"/>, cleans up after dead writers of it, and returns a fresh
    /// temporary path beside it (not created). A parent that cannot be made or written to is an <see cref="InvalidInputException"/>.
    /// </summary>
    public static string Prepare(string target)
    {
        var parent = Path.GetDirectoryName(target)!;
        CreateParent(parent, target);
        RemoveStale(target);
        return NewPath(target, WorkTag);
    }

    /// <summary>
    /// Checks, creating nothing, that <paramref name="target"/> can be written: the nearest existing ancestor must be a
    /// writable directory (not a file). Removes what dead writers of it left. For the checks commands make before working.
    /// </summary>
    public static void Check(string target)
    {
        var ancestor = Path.GetDirectoryName(target);
        while (ancestor is not null && !Directory.Exists(ancestor))
        {
            if (File.Exists(ancestor)) throw new InvalidInputException($"cannot write here: {ancestor} is a file, not a directory", target);
            ancestor = Path.GetDirectoryName(ancestor);
        }
        if (ancestor is null) return;
        var probe = Path.Combine(ancestor, $".dslsft-probe.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"cannot write in {ancestor}: {Reason(e)}", target, inner: e);
        }
        if (ancestor == Path.GetDirectoryName(target)) RemoveStale(target);
    }

    /// <summary>A fresh name for an old output moved aside.</summary>
    internal static string AsidePath(string target) => NewPath(target, AsideTag);

    /// <summary>Removes the temporaries of <paramref name="target"/> left by processes that have exited; restores a moved-aside output.</summary>
    public static void RemoveStale(string target)
    {
        var parent = Path.GetDirectoryName(target)!;
        var name = Path.GetFileName(target);
        if (!Directory.Exists(parent)) return;
        foreach (var entry in SafeEnumerate(parent, "." + name + ".*"))
        {
            var tail = Path.GetFileName(entry)[(name.Length + 1)..];
            bool aside = tail.StartsWith(AsideTag, StringComparison.Ordinal);
            if (!aside && !tail.StartsWith(WorkTag, StringComparison.Ordinal)) continue;
            if (OwnerPid(tail[(aside ? AsideTag : WorkTag).Length..]) is not { } pid || IsRunning(pid)) continue;
            if (aside && !Directory.Exists(target) && !File.Exists(target))
            {
                // The writer died between moving the old output aside and renaming the new one in: the old one is the output.
                try { Directory.Move(entry, target); continue; }
                catch (IOException) { }
            }
            Delete(entry);
        }
    }

    /// <summary>Deletes a temporary file or directory if it exists; errors are ignored (the next writer retries).</summary>
    public static void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReparsePoint) == 0) Directory.Delete(path, recursive: true);
            else if (File.Exists(path) || Directory.Exists(path)) File.Delete(path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string NewPath(string target, string tag) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}{tag}{Environment.ProcessId}-{Guid.NewGuid():N}");

    private static void CreateParent(string parent, string target)
    {
        try
        {
            Directory.CreateDirectory(parent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            for (var ancestor = parent; ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
                if (File.Exists(ancestor))
                    throw new InvalidInputException($"cannot create the directory for it: {ancestor} is a file, not a directory", target, inner: e);
            throw new InvalidInputException($"cannot create the directory for it: {Reason(e)}", target, inner: e);
        }
        // Root may write anywhere the file system allows, so the only reliable test is to try.
        var probe = NewPath(target, WorkTag);
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"cannot write in {parent}: {Reason(e)}", target, inner: e);
        }
    }

    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        _ => e.Message,
    };

    private static IEnumerable<string> SafeEnumerate(string directory, string pattern)
    {
        try { return Directory.GetFileSystemEntries(directory, pattern); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    private static int? OwnerPid(string rest)
    {
        int dash = rest.IndexOf('-');
        return dash > 0 && int.TryParse(rest.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
