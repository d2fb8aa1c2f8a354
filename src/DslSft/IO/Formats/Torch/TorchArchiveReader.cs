using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.IO.Formats.Torch;

/// <summary>
/// Reads a torch.save zip archive (<c>&lt;prefix&gt;/data.pkl</c> + <c>&lt;prefix&gt;/data/&lt;key&gt;</c> storages) with the
/// <see cref="RestrictedUnpickler"/>: the pickle becomes plain data and tensors are materialised from the raw
/// little-endian storages (any of <see cref="TorchStorageTypes"/>) on request. The folder prefix varies between
/// PyTorch versions, so it is found from data.pkl. The one torch.save reader: composable-sft SFTs
/// (<see cref="Sft.Formats.ComposableSftFile"/>) and model checkpoints (<c>pytorch_model.bin</c>) both use it.
/// </summary>
public sealed class TorchArchiveReader : IDisposable
{
    private readonly string _path;
    private readonly FileStream _file;
    private readonly ZipArchive _zip;
    private readonly string _prefix;
    private readonly Dictionary<string, TorchStorageRef> _storages = new(StringComparer.Ordinal);

    private TorchArchiveReader(string path, FileStream file, ZipArchive zip, string prefix)
    {
        _path = path;
        _file = file;
        _zip = zip;
        _prefix = prefix;
    }

    /// <summary>
    /// The largest <c>data.pkl</c> read: 256 MiB, room for about 50 million index steps (composable-sft's largest
    /// published SFTs need a tenth of that). The unpickled objects take at most about ten times the pickle's size.
    /// </summary>
    public const long MaxPickleBytes = 256L << 20;

    /// <summary>The unpickled root object (dicts, lists, <see cref="TorchTensorRef"/>s, ...).</summary>
    public object? Root { get; private set; }

    /// <summary>Opens and unpickles <paramref name="path"/>; malformed archives raise <see cref="InvalidInputException"/> naming the file.</summary>
    public static TorchArchiveReader Open(string path, string what = "torch.save archive")
    {
        var file = InputFile.Open(path, what);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            file.Dispose();
            throw new InvalidInputException($"not a readable torch.save zip archive (truncated or corrupt?): {e.Message}", path, inner: e);
        }
        try
        {
            var pickles = Entries(zip, path).Where(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).ToList();
            if (pickles.Count != 1)
                throw new InvalidInputException(pickles.Count == 0
                    ? "no */data.pkl member: not a torch.save zip archive (legacy non-zip torch files are not supported)"
                    : $"several data.pkl members ({string.Join(", ", pickles.Select(p => p.FullName))})", path);
            var pickle = pickles[0];
            var prefix = pickle.FullName.Length > "data.pkl".Length ? pickle.FullName[..^"/data.pkl".Length] : "";
            var reader = new TorchArchiveReader(path, file, zip, prefix);
            reader.CheckByteOrder();
            var bytes = ZipMember.ReadAll(pickle, MaxPickleBytes, path);
            reader.Root = RestrictedUnpickler.Load(bytes, $"{path}:{pickle.FullName}", reader.PersistentLoad);
            return reader;
        }
        catch
        {
            zip.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>The members, read from the central directory on first use (where a corrupt directory is found).</summary>
    private static IReadOnlyList<ZipArchiveEntry> Entries(ZipArchive zip, string path)
    {
        try { return zip.Entries; }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InvalidInputException($"not a readable torch.save zip archive (corrupt central directory): {e.Message}", path, inner: e);
        }
    }

    /// <summary>
    /// A contiguous CPU tensor of the storage's dtype with the values <paramref name="reference"/> describes (a copy: tensors that
    /// shared a storage in the file do not share memory here). <paramref name="what"/> names it in errors.
    /// </summary>
    public Tensor Materialize(TorchTensorRef reference, string what)
    {
        var storage = reference.Storage;
        var entry = Member($"data/{storage.Key}") ?? throw new InvalidInputException($"{what}: storage '{storage.Key}' is missing from the archive", _path);
        // PersistentLoad checked the declared size against the pickle's element count and the compression ratio.
        TorchStorageTypes.TryGetDType(storage.StorageType, out var dtype);
        using var flat = torch.empty(storage.ElementCount, dtype);
        try
        {
            using var stream = ZipMember.OpenChecked(entry, _path, what);
            TensorBytes.ReadInto(flat, stream);
            stream.Finish();
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidInputException($"{what}: storage '{storage.Key}' is truncated", _path, inner: e);
        }
        if (reference.ElementCount == 0) return torch.empty(reference.Size, dtype);
        using var view = flat.as_strided(reference.Size, reference.Stride, reference.StorageOffset);
        return view.contiguous().clone();
    }

    private object PersistentLoad(PickleTuple pid)
    {
        // ('storage', torch.FloatStorage, key, location, numel)
        if (pid.Items is not ["storage", PickleGlobal type, string key, string location, long numel] || numel < 0)
            throw new InvalidInputException($"unexpected persistent id {pid}: expected ('storage', torch.FloatStorage, key, location, numel)", _path);
        if (!TorchStorageTypes.TryGetDType(type.FullName, out var dtype))
            throw new InvalidInputException($"storage '{key}' has type {type.FullName}, which is not a tensor storage type", _path);
        int elementSize = TensorBytes.ElementSize(dtype);
        if (_storages.TryGetValue(key, out var known))
        {
            if (known.ElementCount != numel || known.StorageType != type.FullName)
                throw new InvalidInputException($"storage '{key}' is declared as {known.ElementCount} {known.StorageType} and {numel} {type.FullName} elements", _path);
            return known;
        }
        var entry = Member($"data/{key}") ?? throw new InvalidInputException($"storage '{key}' is missing from the archive", _path);
        if (numel > long.MaxValue / elementSize || entry.Length != numel * elementSize)
            throw new InvalidInputException($"storage '{key}' has {entry.Length} bytes but the pickle declares {numel} {dtype} elements", _path);
        ZipMember.CheckDeclaredSize(entry, long.MaxValue, _path);
        var storage = new TorchStorageRef(key, type.FullName, location, numel);
        _storages[key] = storage;
        return storage;
    }

    private void CheckByteOrder()
    {
        // Newer PyTorch writes the storages' byte order; older archives (like composable-sft's) are little-endian.
        var entry = Member("byteorder");
        if (entry is null) return;
        var order = System.Text.Encoding.ASCII.GetString(ZipMember.ReadAll(entry, 64, _path)).Trim();
        if (order != "little") throw new InvalidInputException($"storages are '{order}'-endian; only little-endian archives are supported", _path);
    }

    private ZipArchiveEntry? Member(string name) => _zip.GetEntry(_prefix.Length == 0 ? name : $"{_prefix}/{name}");

    public void Dispose()
    {
        _zip.Dispose();
        _file.Dispose();
    }
}
