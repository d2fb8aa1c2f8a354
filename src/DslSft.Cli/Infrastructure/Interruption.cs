using System.Runtime.InteropServices;

namespace DslSft.Cli.Infrastructure;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM for the console process. The first one cancels <see cref="Token"/>: a training command
/// stops at the next update boundary, writes a resumable checkpoint and exits with <see cref="ExitCode"/>. The second
/// one is left to the operating system, which ends the process at once; nothing is corrupted by that, because every
/// output is published atomically, and the temporaries it leaves are removed by the next run.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly TextWriter _error;
    private int _signals;

    public Interruption(TextWriter error)
    {
        _error = error;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The shell's convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM).</summary>
    public int ExitCode { get; private set; } = CliApp.ExitInterrupted;

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            context.Cancel = false; // the default action: the process ends now
            return;
        }
        context.Cancel = true;
        ExitCode = context.Signal == PosixSignal.SIGTERM ? 143 : CliApp.ExitInterrupted;
        _error.WriteLine($"{(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "interrupt")}: stopping at the next safe point (training: the next update, with a checkpoint to --resume from); press Ctrl-C again to exit at once");
        _error.Flush();
        _source.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _source.Dispose();
    }
}
