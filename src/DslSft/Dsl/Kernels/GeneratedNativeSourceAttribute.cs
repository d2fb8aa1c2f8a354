namespace DslSft.Dsl.Kernels;

/// <summary>
/// Marks a generated <c>const string</c> holding native source text (C++ or CUDA) and names the
/// repository-relative file it belongs in, e.g. <c>native/generated/kernel_adamw.cu</c>. A source
/// generator can only emit C#, so the kernel text travels as constants; a test
/// (tests/DslSft.Tests/Kernels/GeneratedNativeFilesTests) compares them with the committed files, so CMake
/// can build native/ alone (no dotnet) on a GPU machine. <c>UPDATE_SNAPSHOTS=1</c> rewrites the files.
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class GeneratedNativeSourceAttribute(string path) : Attribute
{
    /// <summary>Repository-relative path with forward slashes.</summary>
    public string Path { get; } = path;
}
