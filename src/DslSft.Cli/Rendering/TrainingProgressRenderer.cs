using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace DslSft.Cli.Rendering;

/// <summary>
/// Shows training progress as Spectre progress bars, one per phase (e.g. "full fine-tuning", "sparse
/// fine-tuning", "evaluation"), with rate and ETA, and the latest loss and learning rate in the
/// description. The engine only sees a plain callback, <see cref="Report"/>, which fits any
/// <c>(step, total, loss, lr, phase)</c> delegate; it may be called from any thread.
/// </summary>
public sealed class TrainingProgressRenderer
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
    private ProgressContext? _context;

    /// <summary>Runs <paramref name="work"/> with live progress on <paramref name="console"/> (stderr in the CLI).</summary>
    public static async Task<T> RunAsync<T>(IAnsiConsole console, Func<TrainingProgressRenderer, Task<T>> work)
    {
        var renderer = new TrainingProgressRenderer();
        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn(),
                new StepRateColumn(),
                new RemainingTimeColumn(),
                new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                renderer._context = context;
                var result = await work(renderer);
                renderer.CompleteAll();
                return result;
            });
    }

    /// <summary>The progress callback: step (1-based) of total in a phase, with the current loss and learning rate.</summary>
    public void Report(long step, long total, double loss, double learningRate, string phase)
    {
        lock (_gate)
        {
            if (_context is null) throw new InvalidOperationException("Report was called outside RunAsync");
            if (!_tasks.TryGetValue(phase, out var task))
            {
                task = _context.AddTask(Markup.Escape(phase), maxValue: Math.Max(1, total));
                _tasks[phase] = task;
            }
            task.MaxValue = Math.Max(1, total);
            task.Value = Math.Clamp(step, 0, total);
            task.Description = Describe(phase, loss, learningRate);
        }
    }

    /// <summary>The description line of a phase: its name, loss and learning rate (omitted when NaN).</summary>
    public static string Describe(string phase, double loss, double learningRate)
    {
        var text = Markup.Escape(phase);
        if (!double.IsNaN(loss)) text += $" loss {loss.ToString("F4", CultureInfo.InvariantCulture)}";
        if (!double.IsNaN(learningRate)) text += $" lr {learningRate.ToString("0.###e+0", CultureInfo.InvariantCulture)}";
        return text;
    }

    private void CompleteAll()
    {
        lock (_gate)
            foreach (var task in _tasks.Values) task.StopTask();
    }

    /// <summary>Steps per second (Spectre's TransferSpeedColumn would show bytes).</summary>
    private sealed class StepRateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed ? $"{speed.ToString(speed >= 10 ? "F0" : "F2", CultureInfo.InvariantCulture)} it/s" : "-- it/s");
    }
}
