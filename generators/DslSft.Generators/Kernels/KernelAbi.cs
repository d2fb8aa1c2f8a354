using System.Collections.Generic;
using System.Linq;
using DslSft.Generators.Common;

namespace DslSft.Generators.Kernels
{
    /// <summary>The three iteration forms every rule is generated in.</summary>
    internal enum KernelForm { Dense, Sparse, Multi }

    /// <summary>
    /// The C ABI of a generated kernel, in one place for the header, the C++ and CUDA definitions and the
    /// C# DllImports. Argument order: the iteration space first, then the rule's tensors in rule order,
    /// then its scalars (bool as int32_t), then check_indices (sparse forms), then the CUDA stream.
    /// </summary>
    internal static class KernelAbi
    {
        public static string FunctionName(string kernel, KernelForm form, bool cuda) =>
            (cuda ? "dslsft_cuda_" : "dslsft_") + kernel + "_" + FormSuffix(form);

        public static string FormSuffix(KernelForm form) =>
            form == KernelForm.Dense ? "dense" : form == KernelForm.Sparse ? "sparse" : "multi";

        /// <summary>C parameter declarations; <paramref name="restrict"/> is "" (header), "__restrict" (C++) or "__restrict__" (CUDA).</summary>
        public static List<string> CParameters(EquatableArray<KernelParameter> parameters, KernelForm form, bool cuda, string restrict)
        {
            var list = new List<string>();
            string r = restrict.Length == 0 ? "" : " " + restrict;
            switch (form)
            {
                case KernelForm.Dense:
                    list.Add("int64_t n");
                    break;
                case KernelForm.Sparse:
                    list.Add("int64_t n");
                    list.Add("const int64_t*" + r + " indices");
                    list.Add("int64_t count");
                    break;
                default:
                    list.Add("int64_t num_tensors");
                    list.Add("const int64_t* sizes");
                    list.Add("const int64_t* const* indices");
                    list.Add("const int64_t* counts");
                    list.Add("int64_t total_count");
                    break;
            }
            foreach (var p in parameters.Where(p => p.IsTensor))
            {
                var constness = p.Writable ? "" : "const ";
                if (form == KernelForm.Multi && p.Role == ElementRole.Indexed)
                    list.Add(constness + "float* const* " + p.Name);
                else
                    list.Add(constness + "float*" + r + " " + p.Name);
            }
            foreach (var p in parameters.Where(p => !p.IsTensor))
                list.Add((p.Type == KernelType.Bool ? "int32_t" : CFamilyBodyPrinter.CTypeName(p.Type)) + " " + p.Name);
            if (form != KernelForm.Dense) list.Add("int32_t check_indices");
            if (cuda) list.Add("void* stream");
            return list;
        }

        /// <summary>C# DllImport parameter declarations matching <see cref="CParameters"/> (all blittable).</summary>
        public static List<string> CSharpParameters(EquatableArray<KernelParameter> parameters, KernelForm form)
        {
            var list = new List<string>();
            switch (form)
            {
                case KernelForm.Dense:
                    list.Add("long n");
                    break;
                case KernelForm.Sparse:
                    list.Add("long n");
                    list.Add("long* indices");
                    list.Add("long count");
                    break;
                default:
                    list.Add("long numTensors");
                    list.Add("long* sizes");
                    list.Add("long** indices");
                    list.Add("long* counts");
                    list.Add("long totalCount");
                    break;
            }
            foreach (var p in parameters.Where(p => p.IsTensor))
                list.Add((form == KernelForm.Multi && p.Role == ElementRole.Indexed ? "float** " : "float* ") + p.Name);
            foreach (var p in parameters.Where(p => !p.IsTensor))
                list.Add((p.Type == KernelType.Bool ? "int" : CSharpBodyPrinter.CSharpTypeName(p.Type)) + " " + p.Name);
            if (form != KernelForm.Dense) list.Add("int checkIndices");
            return list;
        }

        /// <summary>Parameters of the element function: ref elements by reference, the rest by value.</summary>
        public static string ElementParameters(EquatableArray<KernelParameter> parameters, string head) =>
            Join(parameters.Select(p => CFamilyBodyPrinter.CTypeName(p.Type) + (p.Writable ? "& " : " ") + p.Name).ToList(), new string(' ', head.Length));

        /// <summary>Arguments of the element call; <paramref name="indexed"/>/<paramref name="compact"/> turn a name into its element.</summary>
        public static string ElementArguments(EquatableArray<KernelParameter> parameters, System.Func<string, string> indexed, System.Func<string, string> compact) =>
            string.Join(", ", parameters.Select(p =>
                p.Role == ElementRole.Indexed ? indexed(p.Name)
                : p.Role == ElementRole.Compact ? compact(p.Name)
                : p.Type == KernelType.Bool ? p.Name + " != 0" : p.Name));

        public static string Join(List<string> parameters, string continuationIndent)
        {
            // Filled lines of at most ~110 columns, continued under the opening parenthesis.
            const int width = 110;
            var lines = new List<string>();
            var line = new System.Text.StringBuilder();
            foreach (var parameter in parameters)
            {
                if (line.Length > 0 && continuationIndent.Length + line.Length + 2 + parameter.Length > width)
                {
                    lines.Add(line.Append(',').ToString());
                    line.Clear();
                }
                else if (line.Length > 0) line.Append(", ");
                line.Append(parameter);
            }
            lines.Add(line.ToString());
            return string.Join("\n" + continuationIndent, lines);
        }
    }
}
