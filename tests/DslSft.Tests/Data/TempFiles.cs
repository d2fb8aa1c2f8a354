using System.Text;

namespace DslSft.Tests.Data;

/// <summary>A temporary directory for one test's input files, deleted on dispose.</summary>
internal sealed class TempFiles : IDisposable
{
    public TempFiles() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "dslsft-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes UTF-8 text (no BOM) and returns the path.</summary>
    public string Text(string name, string content) => Bytes(name, Encoding.UTF8.GetBytes(content));

    public string Bytes(string name, byte[] content)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string PathOf(string name) => Path.Combine(Root, name);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
