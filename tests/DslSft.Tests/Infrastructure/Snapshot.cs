using System.Runtime.CompilerServices;

namespace DslSft.Tests.Infrastructure;

/// <summary>
/// Snapshot assertions in Verify's layout, because Verify.Xunit cannot be restored here:
/// <c>Snapshots/&lt;TestClass&gt;.&lt;Method&gt;[_name].verified.&lt;ext&gt;</c> beside the test's source file.
/// A missing or different snapshot fails the test and writes <c>.received.&lt;ext&gt;</c> beside it.
/// Re-approving is an explicit opt-in: run the tests with UPDATE_SNAPSHOTS=1.
/// Moving to Verify later means replacing <see cref="Verify"/> with <c>Verifier.Verify(text).UseDirectory("Snapshots")</c>.
/// </summary>
public static class Snapshot
{
    public static bool UpdateRequested => Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1";

    /// <summary>Compares <paramref name="text"/> with the verified snapshot for the calling test.</summary>
    /// <param name="name">Distinguishes several snapshots of one test (appended as <c>_name</c>).</param>
    public static void Verify(string text, string extension = "txt", string? name = null,
        [CallerFilePath] string sourceFile = "", [CallerMemberName] string method = "")
    {
        var testClass = Path.GetFileNameWithoutExtension(sourceFile);
        var stem = name is null ? $"{testClass}.{method}" : $"{testClass}.{method}_{name}";
        var dir = Path.Combine(Path.GetDirectoryName(sourceFile)!, "Snapshots");
        VerifyFile(text, Path.Combine(dir, $"{stem}.verified.{extension}"), Path.Combine(dir, $"{stem}.received.{extension}"));
    }

    /// <summary>Compares <paramref name="text"/> with the file at <paramref name="verifiedPath"/> (same rules as <see cref="Verify"/>).</summary>
    public static void VerifyFile(string text, string verifiedPath, string? receivedPath = null)
    {
        text = Normalize(text);
        receivedPath ??= verifiedPath + ".received";
        if (UpdateRequested)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(verifiedPath)!);
            File.WriteAllText(verifiedPath, text);
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        if (!File.Exists(verifiedPath))
        {
            WriteReceived(receivedPath, text);
            Assert.Fail($"Snapshot missing: {verifiedPath}\nThe output was written to {receivedPath}. Review it, then run with UPDATE_SNAPSHOTS=1 to approve.");
        }
        var expected = Normalize(File.ReadAllText(verifiedPath));
        if (expected == text)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        WriteReceived(receivedPath, text);
        Assert.Fail($"Snapshot differs: {verifiedPath}\n{FirstDifference(expected, text)}\nThe new output was written to {receivedPath}. Run with UPDATE_SNAPSHOTS=1 to approve it.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static void WriteReceived(string path, string text)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
        catch (IOException) { /* a read-only checkout still reports the difference */ }
        catch (UnauthorizedAccessException) { }
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end of file>";
            var al = i < a.Length ? a[i] : "<end of file>";
            if (el != al) return $"First difference at line {i + 1}:\n  verified: {el}\n  received: {al}";
        }
        return "(files differ only in length)";
    }
}
