using System.CommandLine;

namespace DslSft.Cli.Infrastructure;

/// <summary>
/// Every floating-point option of every command must be a finite number: <c>--lr NaN</c> would otherwise pass every
/// range check (all comparisons with NaN are false) and train to the end before anything notices. Attached once to the
/// whole command tree, so options added later are covered too.
/// </summary>
internal static class FiniteNumbers
{
    public static void RequireEverywhere(Command command)
    {
        foreach (var option in command.Options)
        {
            switch (option)
            {
                case Option<double> o: o.Validators.Add(r => Check(r, o.Name, r.GetValueOrDefault<double>())); break;
                case Option<double?> o: o.Validators.Add(r => Check(r, o.Name, r.GetValueOrDefault<double?>())); break;
                case Option<float> o: o.Validators.Add(r => Check(r, o.Name, r.GetValueOrDefault<float>())); break;
                case Option<float?> o: o.Validators.Add(r => Check(r, o.Name, r.GetValueOrDefault<float?>())); break;
                case Option<double[]> o: o.Validators.Add(r => { foreach (var v in r.GetValueOrDefault<double[]>() ?? []) Check(r, o.Name, v); }); break;
            }
        }
        foreach (var sub in command.Subcommands) RequireEverywhere(sub);
    }

    private static void Check(System.CommandLine.Parsing.OptionResult result, string name, double? value)
    {
        if (value is { } v && !double.IsFinite(v)) result.AddError($"{name} must be a finite number, got {v}");
    }
}
