using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace DslSft.Generators.Common
{
    /// <summary>A source location as plain data (a Location holds a SyntaxTree, which would defeat caching).</summary>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

        public static LocationInfo? From(Location? location) =>
            location is null || location.SourceTree is null
                ? null
                : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

        public static LocationInfo? From(SyntaxNode node) => From(node.GetLocation());
    }

    /// <summary>
    /// A diagnostic as plain data (descriptor id, location, message arguments), made in the extraction stage and reported
    /// in the output stage with the descriptor looked up in its DSL's catalogue (KernelDiagnostics, ModelDiagnostics).
    /// </summary>
    internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
    {
        public Diagnostic ToDiagnostic(Func<string, DiagnosticDescriptor> catalogue) =>
            Diagnostic.Create(catalogue(Id), Location?.ToLocation(), Arguments.Cast<object>().ToArray());

        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, SyntaxNode node, params string[] arguments) =>
            new DiagnosticInfo(descriptor.Id, LocationInfo.From(node), new EquatableArray<string>(arguments));

        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
            new DiagnosticInfo(descriptor.Id, LocationInfo.From(location), new EquatableArray<string>(arguments));
    }
}
