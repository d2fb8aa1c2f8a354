// Entry point: one switch per benchmark area (each area's code lives in its own file).
if (args.Contains("--models")) return DslSft.Benchmarks.ModelBenchmark.Run(args);

Console.Error.WriteLine("usage: DslSft.Benchmarks --models [--quick] [--iterations N] [--large-iterations N] [--no-large-warmup]");
return 2;
