// Entry point: one switch per benchmark area (each area's code lives in its own file).
if (args.Contains("--sparse")) return DslSft.Benchmarks.SparseBenchmark.Run(args);

Console.Error.WriteLine("usage: DslSft.Benchmarks --sparse [--quick]");
return 2;
