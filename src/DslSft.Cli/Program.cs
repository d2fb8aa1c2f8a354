using DslSft.Cli;

return await CliApp.RunAsync(args);
