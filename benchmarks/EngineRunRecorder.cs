using System.Diagnostics;
using System.Globalization;

namespace DslSft.Benchmarks;

/// <summary>
/// What one LT-SFT run in a child process records: wall and CPU time of each update and of selection, and the
/// peak RSS of each segment of the run (build, full-phase forward/backward/norm/update, selection, rewind, sparse
/// phase...). Segment peaks come from VmHWM, reset at every segment boundary through /proc/self/clear_refs, so
/// each segment's peak is its own; the whole run's peak is the largest of them. RSS is also logged at every
/// boundary, to see what stays resident between segments.
/// </summary>
internal sealed class EngineRunRecorder
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly bool _canReset;
    private readonly Dictionary<string, double> _segmentPeaks = new();
    private readonly List<string> _segmentOrder = new();
    private readonly Dictionary<string, List<(double WallMs, double CpuMs)>> _segmentTimes = new();
    private (double Wall, double Cpu) _segmentStart;
    private (double Wall, double Cpu) _stepStart, _lastStepEnd, _selectionStart;

    public EngineRunRecorder()
    {
        _canReset = TryResetPeak();
        RuntimeMiB = Status("VmRSS:");
        _segmentStart = Now();
    }

    /// <summary>RSS of the process before the model is built (the .NET + libtorch runtime).</summary>
    public double RuntimeMiB { get; }

    public List<StepTime> Steps { get; } = new();

    /// <summary>Free-text facts a run reports about itself (e.g. how the selection went).</summary>
    public List<string> Notes { get; } = new();

    public void Note(string note) => Notes.Add(note);
    public List<Boundary> Boundaries { get; } = new();
    public double SelectionWallMs { get; private set; }
    public double SelectionCpuMs { get; private set; }

    /// <summary>From the end of the last full-phase update to the start of the first sparse one: selection, rewind and the sparse phase's set-up.</summary>
    public double TransitionWallMs { get; private set; }
    public double TransitionCpuMs { get; private set; }

    /// <summary>Whether segment peaks are exact (VmHWM could be reset); otherwise a segment's peak includes earlier ones.</summary>
    public bool SegmentPeaksExact => _canReset;

    /// <summary>Closes the segment that just ended: records its peak RSS and starts the next one from the current RSS.</summary>
    public void EndSegment(string name)
    {
        var peak = Status("VmHWM:");
        var now = Now();
        if (!_segmentPeaks.TryGetValue(name, out var old))
        {
            _segmentOrder.Add(name);
            _segmentTimes[name] = new();
        }
        _segmentPeaks[name] = Math.Max(old, peak);
        _segmentTimes[name].Add((now.Wall - _segmentStart.Wall, now.Cpu - _segmentStart.Cpu));
        _segmentStart = now;
        Boundaries.Add(new Boundary(name, Math.Round(_wall.Elapsed.TotalSeconds, 2), Math.Round(Status("VmRSS:")), Math.Round(peak)));
        if (_canReset) TryResetPeak();
    }

    /// <summary>Starts timing an update; the first update of a new phase also closes the phase transition (selection, rewind, set-up).</summary>
    public void StepStarted(string phase)
    {
        _stepStart = Now();
        if (Steps.Count > 0 && Steps[^1].Phase != phase)
        {
            TransitionWallMs = _stepStart.Wall - _lastStepEnd.Wall;
            TransitionCpuMs = _stepStart.Cpu - _lastStepEnd.Cpu;
        }
    }

    public void StepEnded(string phase)
    {
        _lastStepEnd = Now();
        Steps.Add(new StepTime(phase, _lastStepEnd.Wall - _stepStart.Wall, _lastStepEnd.Cpu - _stepStart.Cpu));
    }

    public void SelectionStarted() => _selectionStart = Now();

    public void SelectionEnded()
    {
        var (wall, cpu) = Now();
        SelectionWallMs += wall - _selectionStart.Wall;
        SelectionCpuMs += cpu - _selectionStart.Cpu;
    }

    /// <summary>Every segment in the order it first ended: its peak RSS (MiB, the largest over its occurrences) and the wall and CPU ms of each occurrence.</summary>
    public IEnumerable<Segment> Segments() => _segmentOrder.Select(s => new Segment(s, Math.Round(_segmentPeaks[s]),
        _segmentTimes[s].Select(t => Math.Round(t.WallMs, 1)).ToList(), _segmentTimes[s].Select(t => Math.Round(t.CpuMs, 1)).ToList()));

    public double PeakMiB => Math.Max(_segmentPeaks.Values.DefaultIfEmpty(0).Max(), Status("VmHWM:"));

    private (double Wall, double Cpu) Now() =>
        (_wall.Elapsed.TotalMilliseconds, Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds);

    /// <summary>Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).</summary>
    private static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    public static double Status(string key) =>
        double.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(key, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;

    public sealed record StepTime(string Phase, double WallMs, double CpuMs);

    public sealed record Segment(string Name, double PeakMiB, List<double> WallMs, List<double> CpuMs);

    public sealed record Boundary(string Segment, double AtSeconds, double RssMiB, double SegmentPeakMiB);
}
