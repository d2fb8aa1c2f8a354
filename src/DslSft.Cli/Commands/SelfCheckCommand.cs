using System.CommandLine;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Native;
using static TorchSharp.torch;

namespace DslSft.Cli.Commands;

/// <summary>`dslsft selfcheck`: loads libtorch and the native library and runs one native write into a tensor.</summary>
public static class SelfCheckCommand
{
    public static Command Create()
    {
        var command = CliCommand.Create("selfcheck", "Check that libtorch and the native library load and work together.",
            "dslsft selfcheck",
            "dslsft selfcheck --json");
        command.SetHandler((_, context) => Run(context));
        return command;
    }

    private static int Run(CliContext context)
    {
        context.ShowLine($"libtorch {BuildInfo.LibTorchVersion}");
        if (!NativeLibraryInfo.IsAvailable)
        {
            context.Error.WriteLine($"error: {NativeLibraryInfo.LoadError}");
            context.WriteJson(new JsonObject { ["ok"] = false, ["error"] = NativeLibraryInfo.LoadError });
            return CliApp.ExitFailure;
        }
        using var t = zeros(8);
        NativeTensorOps.Iota(t, 1f, 1f);
        float sum = t.sum().item<float>();
        bool ok = sum == 36f;
        context.ShowLine(ok ? "native write into a TorchSharp tensor: ok (sum 1..8 = 36)" : $"native write into a TorchSharp tensor: FAILED (sum = {sum})");
        context.WriteJson(new JsonObject { ["ok"] = ok, ["libtorch"] = BuildInfo.LibTorchVersion, ["nativeSum"] = sum });
        return ok ? CliApp.ExitOk : CliApp.ExitFailure;
    }
}
