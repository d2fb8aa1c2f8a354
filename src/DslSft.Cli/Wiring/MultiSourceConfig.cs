using System.Text.Json;

namespace DslSft.Cli.Wiring;

/// <summary>
/// composable-sft's <c>--multisource_data</c> JSON: one entry per source language with its language SFT and its data
/// (<c>train</c>, optional <c>validation</c>, <c>max_train_samples</c>, <c>max_eval_samples</c>). Relative paths are
/// taken relative to the configuration file's directory.
/// </summary>
public sealed record MultiSourceConfig(IReadOnlyList<MultiSourceConfig.Source> Sources)
{
    public sealed record Source(string Name, string? Sft, string Train, string? Validation, int? MaxTrainSamples, int? MaxEvalSamples);

    public static MultiSourceConfig Load(string path)
    {
        var text = DslSft.IO.InputFile.ReadAllText(path, DslSft.IO.InputFile.SmallFileLimit, "multi-source configuration");
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        JsonDocument document;
        try { document = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new InvalidInputException($"not valid JSON: {e.Message}", path); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.EnumerateObject().Any())
                throw new InvalidInputException("expected an object with one entry per source language", path);
            var sources = new List<Source>();
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                string Where(string key) => $"source '{entry.Name}': {key}";
                if (entry.Value.ValueKind != JsonValueKind.Object) throw new InvalidInputException($"source '{entry.Name}' must be an object", path);
                if (!entry.Value.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
                    throw new InvalidInputException($"{Where("data")} is missing (an object with at least \"train\")", path);
                string? Text(JsonElement parent, string key) => parent.TryGetProperty(key, out var v)
                    ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw new InvalidInputException($"{Where(key)} must be a string", path)
                    : null;
                int? Number(JsonElement parent, string key) => parent.TryGetProperty(key, out var v)
                    ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n > 0 ? n : throw new InvalidInputException($"{Where(key)} must be a positive integer", path)
                    : null;
                string? Resolve(string? p) => p is null ? null : Path.IsPathRooted(p) ? p : Path.Combine(baseDirectory, p);
                var train = Text(data, "train") ?? throw new InvalidInputException($"{Where("data.train")} is missing", path);
                sources.Add(new Source(entry.Name, Resolve(Text(entry.Value, "sft")), Resolve(train)!, Resolve(Text(data, "validation")),
                    Number(data, "max_train_samples"), Number(data, "max_eval_samples")));
            }
            return new MultiSourceConfig(sources);
        }
    }
}
