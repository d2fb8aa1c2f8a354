using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace DslSft.Generators.Kernels
{
    /// <summary>Pieces of C++ text shared by the C++ and CUDA emitters (argument checks, comments).</summary>
    internal static class NativeText
    {
        public static void AppendSummary(StringBuilder s, string summary, string prefix)
        {
            if (summary.Length == 0) return;
            foreach (var line in Wrap(summary, 100 - prefix.Length)) s.Append(prefix).Append(line).Append('\n');
        }

        public static IEnumerable<string> Wrap(string text, int width)
        {
            var line = new StringBuilder();
            foreach (var word in text.Split(' '))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width)
                {
                    yield return line.ToString();
                    line.Clear();
                }
                if (line.Length > 0) line.Append(' ');
                line.Append(word);
            }
            if (line.Length > 0) yield return line.ToString();
        }

        public static void AppendFunctionName(StringBuilder s, KernelRule rule, KernelForm form, bool cuda) =>
            s.Append("  static const char* const fn = \"").Append(KernelAbi.FunctionName(rule.KernelName, form, cuda)).Append("\";\n");

        public static void AppendPointerChecks(StringBuilder s, IEnumerable<KernelParameter> tensors)
        {
            foreach (var p in tensors) s.Append("  DSLSFT_CHECK_PTR(fn, ").Append(p.Name).Append(");\n");
        }

        /// <summary>
        /// The O(num_tensors) table checks of a multi-tensor function (sizes, counts, per-tensor pointers, the
        /// counts adding up to total_count) and the optional O(K) index checks. Host code in both targets.
        /// </summary>
        public static void AppendMultiChecks(StringBuilder s, KernelRule rule, bool cuda)
        {
            var indexed = rule.Parameters.Where(p => p.Role == ElementRole.Indexed).ToList();
            var compact = rule.Parameters.Where(p => p.Role == ElementRole.Compact).ToList();
            s.Append("  DSLSFT_CHECK_NONNEG(fn, num_tensors);\n");
            s.Append("  DSLSFT_CHECK_NONNEG(fn, total_count);\n");
            if (cuda)
            {
                s.Append("  if (num_tensors > 65535)\n");
                s.Append("    return dslsft::fail(DSLSFT_ERR_INVALID_ARGUMENT, \"%s: %lld tensors exceed the 65535 a launch covers\", fn, (long long)num_tensors);\n");
            }
            s.Append("  if (num_tensors > 0) {\n");
            s.Append("    DSLSFT_CHECK_PTR(fn, sizes);\n");
            s.Append("    DSLSFT_CHECK_PTR(fn, indices);\n");
            s.Append("    DSLSFT_CHECK_PTR(fn, counts);\n");
            foreach (var p in indexed) s.Append("    DSLSFT_CHECK_PTR(fn, ").Append(p.Name).Append(");\n");
            s.Append("  }\n");
            if (compact.Count > 0)
            {
                s.Append("  if (total_count > 0) {\n");
                foreach (var p in compact) s.Append("    DSLSFT_CHECK_PTR(fn, ").Append(p.Name).Append(");\n");
                s.Append("  }\n");
            }
            s.Append("  int64_t counted = 0;\n");
            s.Append("  for (int64_t t = 0; t < num_tensors; ++t) {\n");
            s.Append("    if (sizes[t] < 0 || counts[t] < 0 || counts[t] > sizes[t])\n");
            s.Append("      return dslsft::fail(DSLSFT_ERR_INVALID_ARGUMENT, \"%s: tensor %lld has %lld elements and %lld indices\", fn,\n");
            s.Append("                          (long long)t, (long long)sizes[t], (long long)counts[t]);\n");
            s.Append("    if (counts[t] == 0) continue;\n");
            var pointers = new[] { "indices" }.Concat(indexed.Select(p => p.Name)).ToList();
            s.Append("    if (").Append(string.Join(" || ", pointers.Select(p => p + "[t] == nullptr"))).Append(")\n");
            s.Append("      return dslsft::fail(DSLSFT_ERR_INVALID_ARGUMENT, \"%s: tensor %lld has a null pointer among ")
                .Append(string.Join("/", pointers)).Append("\", fn, (long long)t);\n");
            s.Append("    if (check_indices) {\n");
            if (cuda)
                s.Append("      const dslsft_status status = dslsft::cuda_check_indices(fn, t, indices[t], counts[t], sizes[t], cuda_stream);\n");
            else
                s.Append("      const dslsft_status status = dslsft::check_indices(fn, t, indices[t], counts[t], sizes[t]);\n");
            s.Append("      if (status != DSLSFT_OK) return status;\n");
            s.Append("    }\n");
            s.Append("    counted += counts[t];\n");
            s.Append("  }\n");
            s.Append("  if (counted != total_count)\n");
            s.Append("    return dslsft::fail(DSLSFT_ERR_INVALID_ARGUMENT, \"%s: the counts add up to %lld but the compact buffers hold %lld\", fn,\n");
            s.Append("                        (long long)counted, (long long)total_count);\n");
        }
    }
}
