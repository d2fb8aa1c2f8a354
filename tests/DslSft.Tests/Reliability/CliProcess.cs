using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace DslSft.Tests.Reliability;

/// <summary>
/// The built <c>dslsft</c> (the apphost beside the tests) run as a real child process, so tests can send it real
/// signals and kill it at chosen instants. Stderr is collected as it arrives.
/// </summary>
internal sealed partial class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();

    private CliProcess(Process process)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public static string Executable => Path.Combine(AppContext.BaseDirectory, "DslSft.Cli");

    public static CliProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return new CliProcess(Process.Start(info)!);
    }

    /// <summary>Runs to the end and returns the exit code.</summary>
    public static (int Code, string Stderr) Run(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, null, args);
        int code = process.WaitForExit(TimeSpan.FromMinutes(10));
        return (code, process.Stderr);
    }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public int Id => _process.Id;

    /// <summary>Waits until <paramref name="condition"/> holds (polled), failing the test after <paramref name="timeout"/>.</summary>
    public void WaitUntil(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (!condition())
        {
            if (_process.HasExited && !condition()) throw new Xunit.Sdk.XunitException($"the process exited ({_process.ExitCode}) before {what}; stderr:\n{Stderr}");
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"timed out waiting for {what}; stderr:\n{Stderr}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Sends a real signal (SIGINT = 2, SIGTERM = 15, SIGKILL = 9).</summary>
    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public const int SigInt = 2, SigKill = 9, SigTerm = 15;

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"the process did not exit within {timeout}; stderr:\n{Stderr}");
        }
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
