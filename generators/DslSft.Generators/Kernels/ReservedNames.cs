using System;
using System.Collections.Generic;

namespace DslSft.Generators.Kernels
{
    /// <summary>
    /// Names a rule cannot use: C++/CUDA keywords that are legal C# identifiers (the element function would
    /// not compile), and names the generated loops and entry points use themselves (they would shadow).
    /// </summary>
    internal static class ReservedNames
    {
        private static readonly HashSet<string> CppKeywords = new HashSet<string>(StringComparer.Ordinal)
        {
            "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "compl", "concept", "const_cast",
            "constexpr", "consteval", "constinit", "co_await", "co_return", "co_yield", "decltype", "delete", "dynamic_cast",
            "export", "friend", "inline", "mutable", "noexcept", "not", "not_eq", "nullptr", "or", "or_eq", "register",
            "reinterpret_cast", "requires", "signed", "static_assert", "static_cast", "template", "thread_local", "typeid",
            "typename", "union", "unsigned", "wchar_t", "xor", "xor_eq", "restrict", "signbit",
            "INFINITY", "NAN", "sqrtf", "expf", "logf", "powf", "fabsf", "fmaf", "min", "max",
        };

        // Used by the generated loops, launchers and C# entry points next to the rule's parameters.
        private static readonly HashSet<string> GeneratedNames = new HashSet<string>(StringComparer.Ordinal)
        {
            "i", "k", "n", "t", "c", "fn", "count", "indices", "num_tensors", "sizes", "counts", "total_count",
            "check_indices", "stream", "tensors", "set", "backend", "indexCheck", "offset", "block_size", "grid_size",
        };

        public static bool IsReserved(string name, bool isParameter) =>
            CppKeywords.Contains(name)
            || name.StartsWith("dslsft", StringComparison.Ordinal)
            || name.StartsWith("__", StringComparison.Ordinal)
            || (isParameter && GeneratedNames.Contains(name));
    }
}
