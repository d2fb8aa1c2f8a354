// Benchmarks entry point: `dotnet run -c Release --project tests/DslSft.Benchmarks -- --<area> [options]`.
// Each area lives in its own file and writes docs/benchmarks/<area>.md.
using DslSft.Benchmarks;

var area = args.FirstOrDefault() ?? "";
var rest = args.Skip(1).ToArray();
switch (area)
{
    case "--kernels":
        return KernelBenchmark.Run(rest);
    default:
        Console.Error.WriteLine("usage: DslSft.Benchmarks --kernels [--quick] [--out docs/benchmarks/kernels.md]");
        return 2;
}
