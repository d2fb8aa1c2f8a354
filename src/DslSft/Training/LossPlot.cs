using ScottPlot;

namespace DslSft.Training;

/// <summary>
/// Draws the training loss of every phase (full and sparse, per iteration) against the update number as a PNG. Updates
/// are whole numbers, so the x ticks are too (<see cref="StepTicks"/>); the legend sits outside the data area, right of
/// it, where it cannot hide a curve.
/// </summary>
public static class LossPlot
{
    public static void Save(IReadOnlyList<TrainingLogEntry> entries, string path, int width = 900, int height = 500)
    {
        var plot = new Plot();
        var series = entries.Where(e => e.Event == "step" && e.Loss is not null)
            .GroupBy(e => (e.Iteration, e.Phase))
            .OrderBy(g => g.Key.Iteration).ThenBy(g => g.Key.Phase == "full" ? 0 : 1);
        long lastStep = 1;
        foreach (var group in series)
        {
            var xs = group.Select(e => (double)e.Step).ToArray();
            var ys = group.Select(e => e.Loss!.Value).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = $"{group.Key.Phase} phase (iteration {group.Key.Iteration})";
            line.MarkerSize = xs.Length > 50 ? 0 : 4;
            lastStep = Math.Max(lastStep, group.Max(e => e.Step));
        }
        var ticks = StepTicks(lastStep);
        plot.Axes.Bottom.SetTicks(ticks.Select(t => (double)t).ToArray(), ticks.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(-0.5, ticks[^1] + 0.5);
        plot.Title("LT-SFT training loss");
        plot.XLabel("update within phase");
        plot.YLabel("loss");
        plot.ShowLegend(Edge.Right);
        IO.AtomicFile.Write(path, temp => plot.SavePng(temp, width, height));
    }

    /// <summary>
    /// Whole-number ticks from 0 to at least <paramref name="lastStep"/>: a step of 1, 2 or 5 × 10^n chosen so that there
    /// are at most <paramref name="maxTicks"/> of them (a 3-update run gets 0, 1, 2, 3, never 0.5 or 2.5).
    /// </summary>
    public static IReadOnlyList<long> StepTicks(long lastStep, int maxTicks = 10)
    {
        if (lastStep < 1) lastStep = 1;
        if (maxTicks < 2) throw new ArgumentOutOfRangeException(nameof(maxTicks), maxTicks, "at least two ticks");
        long spacing = 1;
        for (long scale = 1; ; scale *= 10)
        {
            spacing = new[] { 1 * scale, 2 * scale, 5 * scale }.FirstOrDefault(s => (lastStep + s - 1) / s + 1 <= maxTicks);
            if (spacing != 0) break;
        }
        long end = (lastStep + spacing - 1) / spacing * spacing;
        var ticks = new List<long>();
        for (long t = 0; t <= end; t += spacing) ticks.Add(t);
        return ticks;
    }
}
