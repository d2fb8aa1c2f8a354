using System.Diagnostics;
using DslSft.Experiments.CrossLingual;
using DslSft.Training;

namespace DslSft.Experiments.XlingPos;

/// <summary>
/// Runs the main comparison (full fine-tuning, LT-SFT with and without the target-language SFT, dense composition,
/// random masks) for Maltese and German, then LT-SFT sweeps over K and phase length for one target language.
/// SFTs are cached in the output folder, so an interrupted run continues where it stopped.
/// </summary>
public sealed class XlingPosExperiment(XlingPosOptions options, Action<string>? log = null)
{
    private readonly Action<string> _log = log ?? (_ => { });

    public const string SourceCode = "en";
    public static readonly IReadOnlyList<(string Code, string Test)> TargetLanguages = [("mt", "mt_mudt-ud-dev.conllu"), ("de", "de_gsd-ud-dev.conllu")];

    public XlingPosReport Run()
    {
        var clock = Stopwatch.StartNew();
        var main = new CrossLingualTransfer(Setup(TargetLanguages.Select(t => t.Code)), options.Main with { OutputDirectory = options.OutputDirectory }, _log).Run();
        if (options.Main.EvaluateOnly || options.KFactors.Count + options.PhaseFactors.Count == 0)
            return new XlingPosReport(main, [], clock.Elapsed.TotalSeconds);

        var sweeps = new List<SweepPoint>();
        var sweepSetup = Setup([options.SweepLanguage]);
        var baseline = options.Main with
        {
            Methods = [TransferMethod.LtSft],
            IncludeFullFineTuning = false,
            OutputDirectory = options.OutputDirectory,
        };
        sweeps.Add(Point("K", 1.0, baseline, main));
        foreach (var factor in options.KFactors)
        {
            var o = baseline with { TaskDensity = options.Main.TaskDensity * factor, LanguageDensity = options.Main.LanguageDensity * factor };
            sweeps.Add(Point("K", factor, o, null));
        }
        foreach (var factor in options.PhaseFactors)
        {
            var o = baseline with
            {
                LanguageFullPhase = Scale(baseline.LanguageFullPhase, factor),
                LanguageSparsePhase = Scale(baseline.LanguageSparsePhase, factor),
                TaskFullPhase = Scale(baseline.TaskFullPhase, factor),
                TaskSparsePhase = Scale(baseline.TaskSparsePhase, factor),
            };
            sweeps.Add(Point("phase length", factor, o, null));
        }
        return new XlingPosReport(main, sweeps, clock.Elapsed.TotalSeconds);

        SweepPoint Point(string sweep, double factor, TransferOptions o, TransferReport? known)
        {
            var point = Stopwatch.StartNew();
            _log($"sweep {sweep} × {factor}: task K {o.TaskDensity:P2}, language K {o.LanguageDensity:P2}, phases {Steps(o.TaskFullPhase)}/{Steps(o.LanguageFullPhase)}");
            var report = known ?? new CrossLingualTransfer(sweepSetup, o with { Seeds = [o.Seed] }, _log).Run();
            var method = TransferMethod.LtSft.Display();
            var language = options.SweepLanguage;
            return new SweepPoint(sweep, factor, o.TaskDensity, o.LanguageDensity, Steps(o.TaskFullPhase), Steps(o.LanguageFullPhase),
                report.Accuracy(method, "task only", language), report.Accuracy(method, "task + target language", language),
                known is null ? point.Elapsed.TotalSeconds : 0);
        }
    }

    private TransferSetup Setup(IEnumerable<string> targets) => new(
        options.BaseModelDirectory,
        new TransferLanguage(SourceCode, Path.Combine(options.TextDirectory, "en.txt"),
            options.TestFiles.GetValueOrDefault(SourceCode) ?? Path.Combine(options.UdDirectory, "en_ewt-ud-dev.conllu")),
        targets.Select(code => new TransferLanguage(code, Path.Combine(options.TextDirectory, code + ".txt"),
            options.TestFiles.GetValueOrDefault(code) ?? Path.Combine(options.UdDirectory, TargetLanguages.Single(t => t.Code == code).Test))).ToList(),
        Path.Combine(options.UdDirectory, "en_ewt-ud-train.conllu"));

    private static string Steps(PhaseLength length) => length.MaxSteps is { } steps
        ? steps.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : $"{(length.MaxEpochs ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture)} epochs";

    private static PhaseLength Scale(PhaseLength length, double factor) => length.MaxSteps is { } steps
        ? PhaseLength.Steps(Math.Max(1, (long)Math.Round(steps * factor)))
        : PhaseLength.Epochs((length.MaxEpochs ?? 1) * factor);
}
