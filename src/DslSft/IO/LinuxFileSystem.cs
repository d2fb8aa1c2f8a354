using System.Runtime.InteropServices;

namespace DslSft.IO;

/// <summary>
/// The two Linux file-system calls .NET does not expose: <c>statx</c> (a path's file type without opening it, since
/// opening a FIFO blocks until a writer appears) and <c>renameat2(RENAME_EXCHANGE)</c> (swapping two directory entries
/// in one step, so a published directory is never absent). Both return null where the kernel, C library or file
/// system lacks them; callers then fall back to portable code.
/// </summary>
internal static unsafe partial class LinuxFileSystem
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint RenameExchange = 1 << 1;

    /// <summary>errno values the callers tell apart.</summary>
    public const int NoEntry = 2, AccessDenied = 13, NotADirectory = 20, InvalidArgument = 22, NoSystemCall = 38, LinkLoop = 40, NotSupported = 95;

    /// <summary>The <c>S_IFMT</c> bits of <paramref name="path"/> (symbolic links followed), or the errno on failure; null off Linux.</summary>
    public static (int Mode, int Error)? FileType(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        // struct statx is 256 bytes; stx_mode (u16) sits at offset 28 on every architecture.
        byte* buffer = stackalloc byte[256];
        try
        {
            if (statx(AtFdCwd, path, 0, StatxType, buffer) == 0) return (*(ushort*)(buffer + 28) & 0xF000, 0);
            return (0, Marshal.GetLastPInvokeError());
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Atomically swaps the entries <paramref name="a"/> and <paramref name="b"/> (both must exist); false where unsupported.</summary>
    public static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            if (renameat2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0) return true;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        int error = Marshal.GetLastPInvokeError();
        if (error is InvalidArgument or NoSystemCall or NotSupported) return false;
        throw new IOException($"cannot swap '{a}' and '{b}': {Marshal.GetPInvokeErrorMessage(error)}", error);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);
}
