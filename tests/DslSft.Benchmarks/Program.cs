// Entry point: one switch per benchmark area (each area's code lives in its own file).
if (args.Contains("--sftfiles")) return DslSft.Benchmarks.SftFilesBenchmark.Run(args);

Console.Error.WriteLine("usage: DslSft.Benchmarks --sftfiles [--quick]");
return 2;
