using System.Text.Json;

namespace DslSft.Training;

/// <summary>
/// The training history: kept in memory (for plots and checkpoints) and appended to a JSONL file, one entry a
/// line. On resume the file is cut back to the entries the checkpoint knew, so it never holds steps twice.
/// </summary>
public sealed class TrainingLog
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private readonly List<TrainingLogEntry> _entries = new();
    private readonly string? _path;

    public TrainingLog(string? path) => _path = path;

    public IReadOnlyList<TrainingLogEntry> Entries => _entries;

    public void Add(TrainingLogEntry entry)
    {
        _entries.Add(entry);
        if (_path is not null) File.AppendAllText(_path, Serialize(entry) + "\n");
    }

    /// <summary>Replaces the history with <paramref name="entries"/> and rewrites the file to match (atomically).</summary>
    public void Reset(IEnumerable<TrainingLogEntry> entries)
    {
        _entries.Clear();
        _entries.AddRange(entries);
        if (_path is not null) IO.AtomicFile.WriteAllText(_path, string.Concat(_entries.Select(e => Serialize(e) + "\n")));
    }

    public static string Serialize(TrainingLogEntry entry) => JsonSerializer.Serialize(entry, Json);

    public static TrainingLogEntry Deserialize(string line) =>
        JsonSerializer.Deserialize<TrainingLogEntry>(line, Json) ?? throw new FormatException("empty training log entry");
}
