using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Autograd.Nn;

namespace Autograd.Tests.Checkpoints;

public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ag-ckpt-" + Guid.NewGuid().ToString("N")));

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

public class SafeTensorsTests
{
    private static StateDict AllDtypes() => new()
    {
        ["f32"] = Tensor.From(new float[] { 1.5f, -0f, float.NaN, float.PositiveInfinity, float.Epsilon, -3.25f }, [2, 3]),
        ["f64"] = Tensor.From(new[] { Math.PI, double.NegativeInfinity, -1e-310 }, [3, 1]),
        ["i64"] = Tensor.From(new[] { long.MinValue, -1L, long.MaxValue }, [3]),
        ["i32"] = Tensor.From(new[] { int.MinValue, 0, int.MaxValue, 5 }, [2, 2]),
        ["bool"] = Tensor.From(new[] { true, false, true }, [1, 3]),
        ["u8"] = Tensor.From(new byte[] { 0, 1, 128, 255 }, [4]),
        ["scalar"] = Tensor.Scalar(2.5, DType.Float64),
        ["empty"] = Tensor.Zeros([0, 3], DType.Int32),
        ["empty_f"] = Tensor.Zeros([2, 0]),
    };

    private static void AssertSame(StateDict expected, StateDict actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (k, t) in expected)
        {
            Assert.Equal(t.DType, actual[k].DType);
            Assert.Equal(t.Shape.ToArray(), actual[k].Shape.ToArray());
            // Bitwise: NaN, -0, infinities and subnormals survive.
            Assert.Equal(SafeTensors.Serialize([new(k, t)]), SafeTensors.Serialize([new(k, actual[k])]));
        }
    }

    [Fact]
    public void RoundTripsEveryDtypeScalarsAndEmptyTensorsWithMetadata()
    {
        using var dir = new TempDir();
        var sd = AllDtypes();
        var meta = new Dictionary<string, string> { ["epoch"] = "3", ["note"] = "ünïcode \"quoted\"\n\ttab\u0001" };
        SafeTensors.Save(dir.File("a.safetensors"), sd, meta);
        var back = SafeTensors.Load(dir.File("a.safetensors"));
        AssertSame(sd, back.Tensors);
        Assert.Equal(meta, back.Metadata);
        Assert.Equal(Tensor.From(new[] { long.MinValue, -1L, long.MaxValue }, [3]).ToArray<long>(), back.Tensors["i64"].ToArray<long>());
    }

    [Fact]
    public void LayoutIsTheLibrarysOrderCompactJsonPaddedToEight()
    {
        var bytes = SafeTensors.Serialize(AllDtypes(), new Dictionary<string, string> { ["format"] = "pt" });
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, n % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.StartsWith("{\"__metadata__\":{\"format\":\"pt\"},\"i64\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]},\"f64\":{\"dtype\":\"F64\",\"shape\":[3,1],\"data_offsets\":[24,48]},\"scalar\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[48,56]},", header);
        // dtype descending in the library's enum (I64, F64, F32, I32, U8, BOOL), then name.
        using var doc = JsonDocument.Parse(header);
        Assert.Equal(["__metadata__", "i64", "f64", "scalar", "empty_f", "f32", "empty", "i32", "u8", "bool"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain(": ", header.TrimEnd());
        Assert.Equal(24 + 24 + 8 + 0 + 24 + 0 + 16 + 4 + 3, bytes.Length - 8 - (long)n);
    }

    // The safetensors library's own byte-exact vectors (safetensors/src/tensor.rs: test_serialization,
    // test_serialization_forced_alignement, test_empty).
    [Theory]
    [InlineData("attn.0", new[] { 1, 2, 3 }, "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", 64)]
    [InlineData("attn0", new[] { 1, 1, 2, 3 }, "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ", 72)]
    public void MatchesTheLibrarysTestVectors(string name, int[] shape, string header, int n)
    {
        var t = Tensor.From(new float[] { 0, 1, 2, 3, 4, 5 }, shape);
        var expected = Concat(LE((ulong)n), Encoding.UTF8.GetBytes(header),
            [0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64]);
        Assert.Equal(n, header.Length);
        Assert.Equal(expected, SafeTensors.Serialize([new(name, t)]));
    }

    [Fact]
    public void MatchesTheLibrarysEmptyVectors()
    {
        Assert.Equal([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32], SafeTensors.Serialize([]));
        Assert.Equal(Concat(LE(40), "{\"__metadata__\":{\"framework\":\"pt\"}}     "u8.ToArray()),
            SafeTensors.Serialize([], new Dictionary<string, string> { ["framework"] = "pt" }));
        var empty = SafeTensors.Deserialize(SafeTensors.Serialize([]));
        Assert.Empty(empty.Tensors);
    }

    [Fact]
    public void ReadsAnyOrderOfHeaderEntriesAndOffsets()
    {
        // Entries listed in reverse data order, with whitespace in the JSON: a valid file for any reader.
        var json = "{ \"b\": {\"dtype\": \"I32\", \"shape\": [1], \"data_offsets\": [4, 8]}, \"a\": {\"dtype\": \"U8\", \"shape\": [4], \"data_offsets\": [0, 4]} }";
        var bytes = Build(json, [1, 2, 3, 4, 9, 0, 0, 0]);
        var c = SafeTensors.Deserialize(bytes);
        Assert.Equal(["b", "a"], c.Tensors.Keys);
        Assert.Equal([9], c.Tensors["b"].ToArray<int>());
        Assert.Equal([1, 2, 3, 4], c.Tensors["a"].ToArray<byte>());
        Assert.Empty(c.Metadata);
    }

    [Fact]
    public void BoolBytesOtherThanZeroAndOneReadAsTrue()
    {
        var c = SafeTensors.Deserialize(Build("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,3]}}", [0, 2, 255]));
        Assert.Equal([false, true, true], c.Tensors["m"].ToArray<bool>());
    }

    public static TheoryData<string, byte[], string> Hostile() => new()
    {
        { "short", [1, 2, 3], "too short for the 8-byte header length" },
        { "huge header length", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, (byte)'{', (byte)'}'], "larger than the file" },
        { "header past end", Concat(LE(100), "{}"u8.ToArray()), "larger than the file" },
        { "not json", Build("{\"a\":", []), "not valid JSON" },
        { "not object start", Build("[1, 2]  ", []), "does not start with '{'" },
        { "invalid utf-8", Concat(LE(10), [(byte)'{', (byte)'"', 0xff, (byte)'"', (byte)':', (byte)'{', (byte)'}', (byte)'}', (byte)' ', (byte)' ']), "not valid UTF-8" },
        { "entry not object", Build("{\"a\":3}", []), "expected an object" },
        { "unknown dtype", Build("{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}", [0, 0]), "unknown or unsupported dtype 'F16'" },
        { "no shape", Build("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", [0, 0, 0, 0]), "no \"shape\"" },
        { "negative dim", Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", [0, 0, 0, 0]), "dimensions must be integers" },
        { "huge shape", Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,4]}}", [0, 0, 0, 0]), "more than 2147483647 elements" },
        { "size mismatch", Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", [0, 0, 0, 0]), "needs 8 bytes, but its data_offsets [0,4] span 4" },
        { "end before begin", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}", [0, 0, 0, 0]), "the end is before the begin" },
        { "offsets out of bounds", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]}}", [0, 0, 0, 0]), "past the end of the data (4 bytes)" },
        { "overlap", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}", [0, 0, 0, 0]), "overlapping" },
        { "gap", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}", [0, 0, 0, 0]), "uncovered" },
        { "trailing bytes", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", [0, 0, 0, 0]), "extra bytes" },
        { "bad offsets", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0]}}", [0, 0]), "data_offsets\" pair" },
        { "metadata not strings", Build("{\"__metadata__\":{\"a\":1}}", []), "expected a string" },
        { "duplicate name", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]},\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}", []), "names 'a' twice" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void MalformedFilesGiveInvalidDataExceptionsNamingFileAndProblem(string name, byte[] bytes, string problem)
    {
        using var dir = new TempDir();
        string path = dir.File(name.Replace(' ', '_') + ".safetensors");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void TruncatedRealFileIsRejected()
    {
        var bytes = SafeTensors.Serialize(AllDtypes());
        for (int cut = 1; cut < bytes.Length; cut += 7)
        {
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(bytes[..^cut], "cut"));
            Assert.Contains("'cut'", e.Message);
        }
    }

    [Fact]
    public void CorruptedBytesAreEitherReadOrRejectedWithInvalidDataException()
    {
        // Random corruptions of a valid file (header bytes, the length, the data, invalid UTF-8): the reader
        // never fails with anything but InvalidDataException, and never allocates past what the file holds.
        var valid = SafeTensors.Serialize(AllDtypes(), new Dictionary<string, string> { ["k"] = "v" });
        var rng = new Random(15);
        for (int trial = 0; trial < 3000; trial++)
        {
            var bytes = (byte[])valid.Clone();
            int flips = 1 + rng.Next(3);
            for (int f = 0; f < flips; f++)
            {
                int at = trial % 3 == 0 ? rng.Next(8) : rng.Next(Math.Min(bytes.Length, 8 + 400));
                bytes[at] = trial % 5 == 0 ? (byte)(0x80 + rng.Next(0x80)) : (byte)rng.Next(256);
            }
            try { SafeTensors.Deserialize(bytes, "fuzz"); }
            catch (InvalidDataException e) { Assert.Contains("'fuzz'", e.Message); }
        }
    }

    [Fact]
    public void SaveIsAtomicAFailedWriteKeepsTheOldFileAndLeavesNoTemporary()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        var good = new StateDict { ["w"] = Tensor.From(new float[] { 1, 2, 3 }) };
        SafeTensors.Save(path, good);
        var old = File.ReadAllBytes(path);

        // A tensor whose storage was released with its scope: reading it throws while the file is being written,
        // after the header and the first tensor are already out.
        Tensor dead;
        using (new TensorScope())
            dead = F.Add(Tensor.Ones([100_000]), Tensor.Ones([100_000]));   // large enough to be rented from the pool
        var bad = new StateDict { ["a_first"] = Tensor.From(new long[] { 1 }), ["z_dead"] = dead };
        Assert.ThrowsAny<Exception>(() => SafeTensors.Save(path, bad));
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));

        // A bad argument fails before any file is created.
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(dir.File("other.safetensors"), [("x", Tensor.Zeros([1])), ("x", Tensor.Zeros([1]))]));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void SaveReplacesAnExistingFile()
    {
        using var dir = new TempDir();
        string path = dir.File("m.safetensors");
        SafeTensors.Save(path, [("a", Tensor.Zeros([100]))]);
        SafeTensors.Save(path, [("b", Tensor.Ones([1]))]);
        Assert.Equal(["b"], SafeTensors.Load(path).Tensors.Keys);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void InvalidNamesAreRejected()
    {
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => SafeTensors.Serialize([new("__metadata__", Tensor.Zeros([1]))])).Message);
        Assert.Contains("lone surrogate", Assert.Throws<ArgumentException>(() => SafeTensors.Serialize([new("bad\ud800", Tensor.Zeros([1]))])).Message);
        Assert.Contains("duplicate tensor name 'x'", Assert.Throws<ArgumentException>(() => SafeTensors.Serialize([new("x", Tensor.Zeros([1])), new("x", Tensor.Zeros([1]))])).Message);
    }

    [Fact]
    public void ModuleSaveAndLoadRoundTripWithFormatPt()
    {
        using var dir = new TempDir();
        var a = TestModels.FixtureModel(seed: 3);
        var b = TestModels.FixtureModel(seed: 4);
        a.Save(dir.File("m.safetensors"));
        Assert.Equal("pt", SafeTensors.Load(dir.File("m.safetensors")).Metadata["format"]);
        var r = b.Load(dir.File("m.safetensors"));
        Assert.Empty(r.MissingKeys);
        foreach (var (k, v) in a.StateDict()) Assert.Equal(v.ToDoubleArray(), b.StateDict()[k].ToDoubleArray());
        var wrong = new Sequential(new Linear(3, 3));
        var e = Assert.Throws<ArgumentException>(() => wrong.Load(dir.File("m.safetensors")));
        Assert.StartsWith("Error(s) in loading state_dict for Sequential:\n\tUnexpected key(s) in state_dict: ", e.Message);
        Assert.Contains("size mismatch for 0.weight: copying a param with shape torch.Size([2, 1, 3, 3]) from checkpoint, the shape in current model is torch.Size([3, 3]).", e.Message);
    }

    internal static byte[] LE(ulong n)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, n);
        return b;
    }

    internal static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    internal static byte[] Build(string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        return Concat(LE((ulong)h.Length), h, data);
    }
}
