using System.CommandLine;
using DslSft.Native;
using static TorchSharp.torch;

namespace DslSft.Cli.Commands;

/// <summary>`dslsft selfcheck`: loads libtorch and the native library and runs one native write into a tensor.</summary>
public static class SelfCheckCommand
{
    public static Command Create()
    {
        var command = new Command("selfcheck", "Check that libtorch and the native library load and work together.\n\nExample:\n  dslsft selfcheck");
        command.SetAction(_ => Run());
        return command;
    }

    private static int Run()
    {
        Console.WriteLine($"libtorch {BuildInfo.LibTorchVersion}");
        if (!NativeLibraryInfo.IsAvailable)
        {
            Console.Error.WriteLine($"error: {NativeLibraryInfo.LoadError}");
            return CliApp.ExitFailure;
        }
        using var t = zeros(8);
        NativeTensorOps.Iota(t, 1f, 1f);
        float sum = t.sum().item<float>();
        bool ok = sum == 36f;
        Console.WriteLine(ok ? "native write into a TorchSharp tensor: ok (sum 1..8 = 36)" : $"native write into a TorchSharp tensor: FAILED (sum = {sum})");
        return ok ? CliApp.ExitOk : CliApp.ExitFailure;
    }
}
