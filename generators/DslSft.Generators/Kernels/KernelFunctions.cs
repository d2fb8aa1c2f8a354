using System.Collections.Generic;

namespace DslSft.Generators.Kernels
{
    /// <summary>
    /// The Math/MathF functions a rule may call and their spelling in each target. C/C++ names are the
    /// C library ones (sqrtf, fmaf, ...) because they exist unchanged in host C++ and CUDA device code.
    /// Max, Min, Sign and Clamp go through dslsft_* helpers (native/generated/dslsft_kernel_math.h) that
    /// reproduce .NET's semantics (NaN-propagating Max/Min, -0 &lt; +0) with one documented exception:
    /// Sign(NaN) is 0 in every target instead of throwing.
    /// </summary>
    internal static class KernelFunctions
    {
        // name -> (float C name, double C name); null = only through a helper or not for that type.
        private static readonly Dictionary<string, (string? Float, string? Double, bool Integer)> Functions =
            new Dictionary<string, (string?, string?, bool)>
            {
                ["Sqrt"] = ("sqrtf", "sqrt", false),
                ["Abs"] = ("fabsf", "fabs", true),
                ["Exp"] = ("expf", "exp", false),
                ["Log"] = ("logf", "log", false),
                ["Pow"] = ("powf", "pow", false),
                ["Tanh"] = ("tanhf", "tanh", false),
                ["Sin"] = ("sinf", "sin", false),
                ["Cos"] = ("cosf", "cos", false),
                ["Floor"] = ("floorf", "floor", false),
                ["Ceiling"] = ("ceilf", "ceil", false),
                ["FusedMultiplyAdd"] = ("fmaf", "fma", false),
                ["Max"] = ("dslsft_max", "dslsft_max", true),
                ["Min"] = ("dslsft_min", "dslsft_min", true),
                ["Sign"] = ("dslsft_sign", "dslsft_sign", true),
                ["Clamp"] = ("dslsft_clamp", "dslsft_clamp", true),
            };

        public const string SupportedList = "Sqrt, Abs, Exp, Log, Pow, Tanh, Sin, Cos, Floor, Ceiling, FusedMultiplyAdd, Max, Min, Sign, Clamp";

        public static bool IsSupported(string name) => Functions.ContainsKey(name);

        public static bool Supports(string name, KernelType argumentType)
        {
            if (!Functions.TryGetValue(name, out var f)) return false;
            switch (argumentType)
            {
                case KernelType.Float: return f.Float != null;
                case KernelType.Double: return f.Double != null;
                case KernelType.Int:
                case KernelType.Long: return f.Integer;
                default: return false;
            }
        }

        /// <summary>The C/C++/CUDA function for <paramref name="name"/> on <paramref name="argumentType"/>.</summary>
        public static string CName(string name, KernelType argumentType)
        {
            var f = Functions[name];
            switch (argumentType)
            {
                case KernelType.Float: return f.Float!;
                case KernelType.Double: return f.Double!;
                default: return name == "Abs" ? "dslsft_abs" : f.Float!; // integer overloads of the helpers
            }
        }

        /// <summary>The C# call for <paramref name="name"/>: MathF/Math, or KernelMath where .NET would throw.</summary>
        public static string CSharpName(string name, KernelType argumentType)
        {
            if (name == "Sign" || name == "Clamp") return "global::DslSft.Kernels.KernelMath." + name;
            return (argumentType == KernelType.Float ? "global::System.MathF." : "global::System.Math.") + name;
        }
    }
}
