using System.CommandLine;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Models.Import;

namespace DslSft.Cli.Commands;

/// <summary>`dslsft models`: the built-in models and those in the model cache, as a table.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var command = CliCommand.Create("models", "List the built-in models and the models in the cache ($DSLSFT_CACHE/models or ~/.cache/dslsft/models).",
            "dslsft models", "dslsft models --json");
        command.SetHandler((parse, context) =>
        {
            var registry = new ModelRegistry();
            var entries = registry.List();
            var table = new ResultsTable($"models ({registry.ModelsDirectory})", "name", "source", "cached", "directory", "description");
            foreach (var e in entries)
                table.AddRow(e.Name, e.IsBuiltin ? "built-in" : "cache", e.IsCached ? "yes" : "no", e.Directory, e.Description);
            context.Show(table.ToSpectre());
            context.WriteJson(new JsonObject
            {
                ["cache"] = registry.ModelsDirectory,
                ["models"] = new JsonArray(entries.Select(e => (JsonNode)new JsonObject
                {
                    ["name"] = e.Name, ["builtin"] = e.IsBuiltin, ["cached"] = e.IsCached, ["directory"] = e.Directory, ["description"] = e.Description,
                }).ToArray()),
            });
            return CliApp.ExitOk;
        });
        return command;
    }
}
