using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Autograd.Nn;

// The safetensors format (https://github.com/huggingface/safetensors), which PyTorch users read and write
// with `safetensors.torch.save_file` / `load_file`:
//   [u64 little-endian N][N bytes of UTF-8 JSON header][data]
//   header = {"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
//   offsets are relative to the start of the data; the tensors' byte ranges tile the data exactly.
//
// Note [safetensors layout]: the writer reproduces the Rust library's layout byte for byte, so a state dict
// saved here and one saved by `safetensors.torch.save_file` in Python are the same file:
//  * tensors sorted by dtype, descending in the library's Dtype enum order (I64, F64, F32, I32, U8, BOOL
//    for ours), then by name (byte order); data laid out in that order with no gaps;
//  * the header is serde_json's compact output: "__metadata__" first (when given, even empty), then the
//    tensors in data order, each {"dtype":…,"shape":[…],"data_offsets":[b,e]}, no spaces, non-ASCII
//    written raw, control characters escaped as serde_json does;
//  * the header is padded with spaces to a multiple of 8 bytes, and N counts the padding.
// The library keeps metadata in a HashMap (its order is random); we write metadata keys sorted, so files
// with two or more metadata keys match the library's only up to that order. Readers accept any order.
//
// Note [safetensors validation]: a file is checked completely before any tensor is allocated — header
// length within the file and at most 100 MB (the library's limit), JSON well formed, every entry's dtype
// known, shape non-negative, shape·itemsize equal to its byte range, and the ranges tiling the data with
// no gap, overlap or overrun — so a hostile or truncated file is an InvalidDataException naming the file
// and the problem, never an IndexOutOfRange or an allocation the file cannot back.

/// <summary>The tensors (in the file's order) and the "__metadata__" strings of a safetensors file.</summary>
public sealed record SafeTensorsContent(StateDict Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>Reads and writes the safetensors format (safetensors.torch.save_file / load_file).</summary>
public static class SafeTensors
{
    /// <summary>The largest header accepted, as the safetensors library's MAX_HEADER_SIZE.</summary>
    public const long MaxHeaderSize = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes <paramref name="tensors"/> (and optional string <paramref name="metadata"/>) to
    /// <paramref name="path"/> atomically: into a temporary file in the same directory, flushed to disk,
    /// then renamed over <paramref name="path"/>; if anything fails the old file is untouched and the
    /// temporary file is removed.
    /// </summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var plan = Plan(tensors, metadata);
        AtomicFile.Write(path, stream => Write(stream, plan));
    }

    /// <summary><see cref="Save(string, IEnumerable{KeyValuePair{string, Tensor}}, IReadOnlyDictionary{string, string})"/> for (name, tensor) pairs.</summary>
    public static void Save(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Save(path, tensors.Select(t => new KeyValuePair<string, Tensor>(t.Name, t.Tensor)), metadata);
    }

    /// <summary>The bytes <see cref="Save(string, IEnumerable{KeyValuePair{string, Tensor}}, IReadOnlyDictionary{string, string})"/> would write (safetensors.torch.save).</summary>
    public static byte[] Serialize(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var plan = Plan(tensors, metadata);
        using var ms = new MemoryStream();
        Write(ms, plan);
        return ms.ToArray();
    }

    /// <summary>Reads a safetensors file (safetensors.torch.load_file plus its metadata); InvalidDataException for a malformed file.</summary>
    public static SafeTensorsContent Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(fs, path);
    }

    /// <summary>Parses safetensors bytes (safetensors.torch.load); <paramref name="name"/> names the source in errors.</summary>
    public static SafeTensorsContent Deserialize(byte[] bytes, string name = "<bytes>")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var ms = new MemoryStream(bytes, writable: false);
        return Read(ms, name);
    }

    // ---- writing ----

    private sealed record WritePlan(byte[] Header, (string Name, Tensor Tensor)[] Tensors);

    /// <summary>Validates the names, orders the tensors as the library does and builds the padded header; touches no storage.</summary>
    private static WritePlan Plan(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors: writing needs a little-endian machine");
        var list = new List<(string Name, Tensor Tensor)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (name is null) throw new ArgumentException("safetensors: a tensor name is null", nameof(tensors));
            if (tensor is null) throw new ArgumentException($"safetensors: tensor '{name}' is null", nameof(tensors));
            if (name == MetadataKey) throw new ArgumentException($"safetensors: '{MetadataKey}' is reserved for the metadata and can't name a tensor", nameof(tensors));
            if (!names.Add(name)) throw new ArgumentException($"safetensors: duplicate tensor name '{name}'", nameof(tensors));
            list.Add((name, tensor));
        }
        if (metadata is not null)
            foreach (var (k, v) in metadata)
                if (k is null || v is null) throw new ArgumentException("safetensors: metadata keys and values must be non-null strings", nameof(metadata));
        var ordered = list.OrderByDescending(t => Rank(t.Tensor.DType)).ThenBy(t => t.Name, StringComparer.Ordinal).ToArray();

        var json = new StringBuilder("{");
        if (metadata is not null)
        {
            json.Append('"').Append(MetadataKey).Append("\":{");
            bool first = true;
            foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!first) json.Append(',');
                first = false;
                AppendString(json, k).Append(':');
                AppendString(json, v);
            }
            json.Append('}');
            if (ordered.Length > 0) json.Append(',');
        }
        long offset = 0;
        for (int i = 0; i < ordered.Length; i++)
        {
            var (name, t) = ordered[i];
            long bytes = (long)t.Numel * ItemSize(t.DType);
            if (i > 0) json.Append(',');
            AppendString(json, name).Append(":{\"dtype\":\"").Append(Code(t.DType)).Append("\",\"shape\":[")
                .AppendJoin(',', t.Shape.ToArray()).Append("],\"data_offsets\":[").Append(offset).Append(',').Append(offset + bytes).Append("]}");
            offset += bytes;
        }
        json.Append('}');
        byte[] header;
        try { header = StrictUtf8.GetBytes(json.ToString()); }
        catch (EncoderFallbackException e) { throw new ArgumentException("safetensors: a tensor name or metadata string is not valid UTF-16 (a lone surrogate)", nameof(tensors), e); }
        int pad = (8 - header.Length % 8) % 8;
        if (pad > 0) header = [.. header, .. Enumerable.Repeat((byte)' ', pad)];
        return new WritePlan(header, ordered);
    }

    private static void Write(Stream stream, WritePlan plan)
    {
        Span<byte> n = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(n, (ulong)plan.Header.Length);
        stream.Write(n);
        stream.Write(plan.Header);
        foreach (var (_, t) in plan.Tensors)
        {
            switch (t.Storage)   // Storage throws here for a tensor whose scope has ended: the save fails cleanly
            {
                case float[] f: stream.Write(MemoryMarshal.AsBytes(f.AsSpan())); break;
                case double[] d: stream.Write(MemoryMarshal.AsBytes(d.AsSpan())); break;
                case long[] l: stream.Write(MemoryMarshal.AsBytes(l.AsSpan())); break;
                case int[] i: stream.Write(MemoryMarshal.AsBytes(i.AsSpan())); break;
                case bool[] b: stream.Write(MemoryMarshal.AsBytes(b.AsSpan())); break;   // .NET bools are the bytes 0 and 1
                case byte[] u: stream.Write(u); break;
            }
        }
    }

    /// <summary>serde_json's string literal: quotes, backslashes and control characters escaped, everything else raw.</summary>
    private static StringBuilder AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20) sb.Append("\\u00").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"');
    }

    /// <summary>Bytes per element (torch.Tensor.element_size()).</summary>
    public static int ItemSize(DType d) => d switch
    {
        DType.Float64 or DType.Int64 => 8,
        DType.Float32 or DType.Int32 => 4,
        _ => 1,
    };

    /// <summary>The position of the dtype in the library's Dtype enum (its sort key).</summary>
    private static int Rank(DType d) => d switch
    {
        DType.Bool => 0,
        DType.UInt8 => 1,
        DType.Int32 => 2,
        DType.Float32 => 3,
        DType.Float64 => 4,
        _ => 5,   // Int64
    };

    /// <summary>The format's dtype code.</summary>
    public static string Code(DType d) => d switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Int64 => "I64",
        DType.Int32 => "I32",
        DType.Bool => "BOOL",
        DType.UInt8 => "U8",
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, "safetensors: unsupported dtype"),
    };

    private static DType? FromCode(string code) => code switch
    {
        "F32" => DType.Float32,
        "F64" => DType.Float64,
        "I64" => DType.Int64,
        "I32" => DType.Int32,
        "BOOL" => DType.Bool,
        "U8" => DType.UInt8,
        _ => null,
    };

    // ---- reading ----

    private sealed record Entry(string Name, DType DType, int[] Shape, int Numel, long Begin, long End);

    private static SafeTensorsContent Read(Stream stream, string source)
    {
        long length = stream.Length;
        if (length < 8) throw Bad(source, $"the file is {length} bytes long, too short for the 8-byte header length");
        Span<byte> n8 = stackalloc byte[8];
        stream.ReadExactly(n8);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(n8);
        if (n > (ulong)(length - 8)) throw Bad(source, $"the header length {n} is larger than the file ({length} bytes): the file is truncated or not a safetensors file");
        if (n > MaxHeaderSize) throw Bad(source, $"the header length {n} exceeds the limit of {MaxHeaderSize} bytes");
        var header = new byte[n];
        stream.ReadExactly(header);
        if (n == 0 || header[0] != (byte)'{') throw Bad(source, "the header does not start with '{' (not a safetensors file?)");
        if (!System.Text.Unicode.Utf8.IsValid(header)) throw Bad(source, "the header is not valid UTF-8");
        long dataLength = length - 8 - (long)n;

        var (entries, metadata) = ParseHeader(header, source);
        CheckTiling(entries, dataLength, source);

        var result = new StateDict();
        long dataStart = 8 + (long)n;
        foreach (var e in entries)
        {
            stream.Position = dataStart + e.Begin;
            result.Add(e.Name, ReadTensor(stream, e));
        }
        return new SafeTensorsContent(result, metadata);
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(byte[] header, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException ex) { throw Bad(source, $"the header is not valid JSON: {ex.Message}", ex); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(source, $"the header is a JSON {doc.RootElement.ValueKind}, expected an object");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(prop.Name)) throw Bad(source, $"the header names '{prop.Name}' twice");
                if (prop.Name == MetadataKey)
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad(source, $"'{MetadataKey}' is a JSON {prop.Value.ValueKind}, expected an object of strings");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw Bad(source, $"metadata '{m.Name}' is a JSON {m.Value.ValueKind}, expected a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(prop.Name, prop.Value, source));
            }
            return (entries, metadata);
        }
    }

    private static Entry ParseEntry(string name, JsonElement info, string source)
    {
        if (info.ValueKind != JsonValueKind.Object) throw Bad(source, $"tensor '{name}' is described by a JSON {info.ValueKind}, expected an object with dtype, shape and data_offsets");
        if (!info.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw Bad(source, $"tensor '{name}' has no string \"dtype\"");
        string code = dt.GetString()!;
        var dtype = FromCode(code) ?? throw Bad(source, $"tensor '{name}' has unknown or unsupported dtype '{code}' (supported: F32, F64, I64, I32, BOOL, U8)");
        if (!info.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw Bad(source, $"tensor '{name}' has no \"shape\" array");
        var shape = new int[sh.GetArrayLength()];
        long numel = 1;
        int i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int v) || v < 0)
                throw Bad(source, $"tensor '{name}' has shape {sh.GetRawText()}: dimensions must be integers in 0..{int.MaxValue}");
            shape[i++] = v;
            numel = Math.Min(numel * v, (long)int.MaxValue + 1);   // saturate: the product is compared with int.MaxValue below
        }
        if (numel > int.MaxValue) throw Bad(source, $"tensor '{name}' has shape {sh.GetRawText()} with more than {int.MaxValue} elements");
        if (!info.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad(source, $"tensor '{name}' has no \"data_offsets\" pair [begin, end]");
        long begin = Offset(off[0]), end = Offset(off[1]);
        if (begin < 0 || end < 0) throw Bad(source, $"tensor '{name}' has data_offsets {off.GetRawText()}: offsets must be non-negative integers");
        if (end < begin) throw Bad(source, $"tensor '{name}' has data_offsets {off.GetRawText()}: the end is before the begin");
        long need = numel * ItemSize(dtype);
        if (end - begin != need)
            throw Bad(source, $"tensor '{name}' of dtype {code} and shape {ShapeUtil.Format(shape)} needs {need} bytes, but its data_offsets {off.GetRawText()} span {end - begin}");
        return new Entry(name, dtype, shape, (int)numel, begin, end);
    }

    private static long Offset(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) ? v : -1;

    /// <summary>The byte ranges must tile [0, dataLength): the library's InvalidOffset / MetadataIncompleteBuffer checks.</summary>
    private static void CheckTiling(List<Entry> entries, long dataLength, string source)
    {
        long expected = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.End > dataLength)
                throw Bad(source, $"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}] past the end of the data ({dataLength} bytes): the file is truncated");
            if (e.Begin != expected)
                throw Bad(source, e.Begin < expected
                    ? $"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}] overlapping the previous tensor, which ends at {expected}"
                    : $"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}], leaving the bytes [{expected}, {e.Begin}) uncovered");
            expected = e.End;
        }
        if (expected != dataLength)
            throw Bad(source, $"the tensors cover {expected} bytes of data but the file holds {dataLength}: extra bytes after the last tensor");
    }

    private static Tensor ReadTensor(Stream stream, Entry e)
    {
        Array storage = e.DType switch
        {
            DType.Float32 => ReadInto(stream, new float[e.Numel]),
            DType.Float64 => ReadInto(stream, new double[e.Numel]),
            DType.Int64 => ReadInto(stream, new long[e.Numel]),
            DType.Int32 => ReadInto(stream, new int[e.Numel]),
            DType.UInt8 => ReadInto(stream, new byte[e.Numel]),
            _ => ReadBool(stream, e.Numel),
        };
        return new Tensor(storage, e.Shape);
    }

    private static T[] ReadInto<T>(Stream stream, T[] data) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors: reading needs a little-endian machine");
        stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
        return data;
    }

    /// <summary>Bools are read as bytes and normalised (any nonzero byte is true), so no invalid bool values reach the kernels.</summary>
    private static bool[] ReadBool(Stream stream, int count)
    {
        var bytes = ReadInto(stream, new byte[count]);
        var result = new bool[count];
        for (int i = 0; i < count; i++) result[i] = bytes[i] != 0;
        return result;
    }

    private static InvalidDataException Bad(string source, string problem, Exception? inner = null) =>
        new($"safetensors file '{source}': {problem}", inner);
}

/// <summary>Write-then-rename: a crash or an exception never leaves a half-written file at the destination.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes through <paramref name="write"/> into a temporary file next to <paramref name="path"/>
    /// (same directory, so the rename stays on one file system), flushes it to disk and renames it over
    /// <paramref name="path"/>. On any exception the temporary file is deleted and the old file kept.
    /// </summary>
    internal static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
