using DslSft.Benchmarks;

// Usage: dotnet run -c Release --project benchmarks -- --<area> [--quick]
// One switch per benchmark area; each area's code lives in its own file, runs its baseline in the
// same run, and writes docs/benchmarks/<area>.md.
bool quick = args.Contains("--quick");
if (args.Contains("--sparse")) return SparseBenchmark.Run(args);
if (args.Contains("--data")) return DataBenchmarks.Run(quick);
if (args.Contains("--sftfiles")) return SftFilesBenchmark.Run(args);
if (args.Contains("--models")) return ModelBenchmark.Run(args);
if (args.Contains("--engine")) return EngineBenchmark.Run(args);
if (args.Contains("--kernels")) return KernelBenchmark.Run(args.Where(a => a != "--kernels").ToArray());

Console.Error.WriteLine("usage: DslSft.Benchmarks (--sparse | --data | --sftfiles | --models | --kernels | --engine) [--quick]");
return 2;
