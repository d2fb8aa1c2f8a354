using DslSft.Benchmarks;

// Usage: dotnet run -c Release --project tests/DslSft.Benchmarks -- --<area> [--quick]
// Each area benchmark runs its baseline in the same run and writes docs/benchmarks/<area>.md.
bool quick = args.Contains("--quick");
if (args.Contains("--data")) return DataBenchmarks.Run(quick);
if (args.Contains("--sftfiles")) return SftFilesBenchmark.Run(args);
if (args.Contains("--sparse")) return SparseBenchmark.Run(args);
if (args.Contains("--models")) return ModelBenchmark.Run(args);
if (args.Contains("--engine")) return EngineBenchmark.Run(args);
Console.Error.WriteLine("usage: DslSft.Benchmarks --data|--sftfiles|--sparse|--models|--engine [--quick] (models: [--iterations N] [--large-iterations N] [--no-large-warmup]; engine: [--bert-base] [--steps N])");
return 2;
