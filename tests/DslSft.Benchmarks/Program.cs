// Entry point: one switch per benchmark area (each area's code lives in its own file).
if (args.Contains("--engine")) return DslSft.Benchmarks.EngineBenchmark.Run(args);

Console.Error.WriteLine("usage: DslSft.Benchmarks --engine [--bert-base] [--steps N]");
return 2;
