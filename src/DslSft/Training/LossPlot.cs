using ScottPlot;

namespace DslSft.Training;

/// <summary>Draws the training loss of every phase (full and sparse, per iteration) against the update number as a PNG.</summary>
public static class LossPlot
{
    public static void Save(IReadOnlyList<TrainingLogEntry> entries, string path, int width = 900, int height = 500)
    {
        var plot = new Plot();
        var series = entries.Where(e => e.Event == "step" && e.Loss is not null)
            .GroupBy(e => (e.Iteration, e.Phase))
            .OrderBy(g => g.Key.Iteration).ThenBy(g => g.Key.Phase == "full" ? 0 : 1);
        foreach (var group in series)
        {
            var xs = group.Select(e => (double)e.Step).ToArray();
            var ys = group.Select(e => e.Loss!.Value).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = $"{group.Key.Phase} phase (iteration {group.Key.Iteration})";
            line.MarkerSize = xs.Length > 50 ? 0 : 4;
        }
        plot.Title("LT-SFT training loss");
        plot.XLabel("update within phase");
        plot.YLabel("loss");
        plot.ShowLegend();
        IO.AtomicFile.Write(path, temp => plot.SavePng(temp, width, height));
    }
}
