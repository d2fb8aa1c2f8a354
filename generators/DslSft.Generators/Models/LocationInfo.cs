using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace DslSft.Generators.Models
{
    /// <summary>A source location as plain data (Roslyn's <see cref="Location"/> holds a syntax tree, which would defeat caching).</summary>
    internal sealed record LocationInfo
    {
        public LocationInfo(string filePath, TextSpan span, LinePositionSpan lineSpan)
        {
            FilePath = filePath; Span = span; LineSpan = lineSpan;
        }

        public string FilePath { get; }
        public TextSpan Span { get; }
        public LinePositionSpan LineSpan { get; }

        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

        public static LocationInfo? From(Location? location) =>
            location is null || location.SourceTree is null
                ? null
                : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }

    /// <summary>A diagnostic as plain data: descriptor id, location and message arguments.</summary>
    internal sealed record DiagnosticInfo
    {
        public DiagnosticInfo(string id, LocationInfo? location, EquatableArray<string> arguments)
        {
            Id = id; Location = location; Arguments = arguments;
        }

        public string Id { get; }
        public LocationInfo? Location { get; }
        public EquatableArray<string> Arguments { get; }

        public Diagnostic ToDiagnostic() =>
            Diagnostic.Create(ModelDiagnostics.ById(Id), Location?.ToLocation(), System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Cast<object>(Arguments)));
    }
}
