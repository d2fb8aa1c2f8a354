using System.Reflection;
using DslSft.Native;

namespace DslSft;

/// <summary>Versions of DslSft and everything it runs on, as shown by <c>dslsft --version</c>.</summary>
public static class BuildInfo
{
    public static string DslSftVersion =>
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(BuildInfo).Assembly.GetName().Version?.ToString() ?? "?";

    public static string TorchSharpVersion =>
        typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "?";

    /// <summary>The libtorch version TorchSharp loaded (initialises libtorch on first use).</summary>
    public static string LibTorchVersion
    {
        get
        {
            try { return TorchSharp.torch.__version__; }
            catch (Exception e) { return $"unavailable ({e.Message.Split('\n')[0]})"; }
        }
    }

    /// <summary>Lines for <c>--version</c>: DslSft, native library features and threads, TorchSharp, libtorch.</summary>
    public static IReadOnlyList<(string Name, string Value)> Describe()
    {
        var native = NativeLibraryInfo.Current;
        return
        [
            ("dslsft", DslSftVersion),
            ("native library", native is null ? $"not loaded: {NativeLibraryInfo.LoadError}" : native.Version),
            ("OpenMP", native is null ? "-" : native.OpenMp ? "yes" : "no"),
            ("CUDA", native is null ? "-" : native.Cuda ? "yes" : "no (CPU build)"),
            ("native threads", native is null ? "-" : native.Threads.ToString()),
            ("TorchSharp", TorchSharpVersion),
            ("libtorch", LibTorchVersion),
        ];
    }
}
