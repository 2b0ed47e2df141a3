using System.Buffers.Binary;
using System.IO.Compression;

namespace Autograd.Nn.Data;

/// <summary>An IDX array of unsigned bytes: its dimensions and its row-major values.</summary>
public sealed record IdxArray(int[] Shape, byte[] Data);

/// <summary>
/// Reader of the IDX format used by MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/),
/// plain or gzip-compressed (detected by the gzip magic bytes, not the file name).
/// </summary>
/// <remarks>
/// Layout: two zero bytes, a type code (0x08 = unsigned byte, the only type these data sets use),
/// the number of dimensions, then each dimension as a big-endian int32, then the values row-major.
/// Every header field is checked, and the payload must be exactly the announced size, so a truncated
/// download or a wrong file fails here with the path and the reason, not later as garbage images.
/// </remarks>
public static class Idx
{
    private const byte UnsignedByte = 0x08;

    /// <summary>Reads an IDX file (.gz or raw).</summary>
    public static IdxArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file not found: {path}", path);
        byte[] raw = File.ReadAllBytes(path);
        byte[] bytes;
        try
        {
            bytes = IsGzip(raw) ? Gunzip(raw) : raw;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"IDX file {path}: corrupt gzip stream ({e.Message})", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses IDX bytes (already decompressed); <paramref name="source"/> names them in errors.</summary>
    public static IdxArray Parse(ReadOnlySpan<byte> bytes, string source = "<bytes>")
    {
        if (bytes.Length < 4)
            throw new InvalidDataException($"IDX file {source}: {bytes.Length} bytes is too short for the 4-byte magic number");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"IDX file {source}: bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(bytes):X8} (the first two bytes must be zero; is this an IDX file?)");
        if (bytes[2] != UnsignedByte)
            throw new InvalidDataException($"IDX file {source}: unsupported data type 0x{bytes[2]:X2}; only unsigned byte (0x08) is supported");
        int rank = bytes[3];
        if (rank == 0)
            throw new InvalidDataException($"IDX file {source}: zero dimensions in the magic number");
        int header = 4 + 4 * rank;
        if (bytes.Length < header)
            throw new InvalidDataException($"IDX file {source}: truncated header ({bytes.Length} bytes, {rank} dimensions need {header})");
        var shape = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            int size = BinaryPrimitives.ReadInt32BigEndian(bytes[(4 + 4 * d)..]);
            if (size < 0) throw new InvalidDataException($"IDX file {source}: dimension {d} has negative size {size}");
            shape[d] = size;
            count *= size;
        }
        long payload = bytes.Length - header;
        if (payload != count)
            throw new InvalidDataException($"IDX file {source}: shape [{string.Join(", ", shape)}] needs {count} data bytes but the file has {payload}" +
                (payload < count ? " (truncated?)" : " (trailing bytes)"));
        return new IdxArray(shape, bytes[header..].ToArray());
    }

    /// <summary>Writes raw IDX bytes (unsigned byte type); used by tests and tools.</summary>
    public static byte[] Encode(ReadOnlySpan<int> shape, ReadOnlySpan<byte> data)
    {
        if (shape.Length is 0 or > 255) throw new ArgumentException($"Idx.Encode: rank must be 1..255, got {shape.Length}", nameof(shape));
        var bytes = new byte[4 + 4 * shape.Length + data.Length];
        bytes[2] = UnsignedByte;
        bytes[3] = (byte)shape.Length;
        for (int d = 0; d < shape.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), shape[d]);
        data.CopyTo(bytes.AsSpan(4 + 4 * shape.Length));
        return bytes;
    }

    private static bool IsGzip(ReadOnlySpan<byte> b) => b.Length >= 2 && b[0] == 0x1F && b[1] == 0x8B;

    private static byte[] Gunzip(byte[] raw)
    {
        using var input = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
