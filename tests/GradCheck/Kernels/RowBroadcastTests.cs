namespace Autograd.Tests.Kernels;

/// <summary>
/// Note [Row tiles in L1]: a full tensor against a row repeated along it runs in ~4K-element tiles inside ~64K-element
/// chunks. Rows that divide the tile, do not, exceed it, and tensors of one tile, one chunk and many chunks all give
/// the elementwise results of a plain loop (the reference), forward and maximum's gradient shares.
/// </summary>
public class RowBroadcastTests
{
    [Theory]
    [InlineData(new[] { 8, 64, 56 }, 56)]           // a row of 56: tiles of 4088, chunks of 65408, several chunks
    [InlineData(new[] { 4095, 3 }, 3)]               // tiles of 4095 elements, the last chunk ragged
    [InlineData(new[] { 70, 4096 }, 4096)]          // the row is the tile
    [InlineData(new[] { 40, 5000 }, 5000)]          // a row longer than the tile target
    [InlineData(new[] { 2, 7 }, 7)]                 // less than one tile
    [InlineData(new[] { 2, 3, 1000, 17 }, 17000)]   // a two-dim row [1000, 17]
    [InlineData(new[] { 0, 5 }, 5)]                 // an empty tensor against a row
    public void RowBroadcastMatchesAPlainLoop(int[] shape, int rowLength)
    {
        int total = shape.Aggregate(1, (a, d) => a * d);
        var rng = new Random(total + rowLength);
        float[] x = Enumerable.Range(0, total).Select(_ => (float)Math.Round(rng.NextDouble() * 8 - 4, 1)).ToArray();
        float[] row = Enumerable.Range(0, rowLength).Select(_ => (float)Math.Round(rng.NextDouble() * 8 - 4, 1)).ToArray();
        int[] rowShape = rowLength == 17000 ? [1000, 17] : [rowLength];
        var tx = Tensor.From(x, shape, requiresGrad: true);
        var tr = Tensor.From(row, rowShape);

        float[] sum = F.Add(tx, tr).ToFloatArray(), diff = F.Sub(tr, tx).ToFloatArray();
        var max = F.Maximum(tx, tr);
        float[] m = max.ToFloatArray();
        var g = Tensor.From(Enumerable.Range(0, total).Select(i => 1f + i % 5).ToArray(), shape);
        max.Backward(g);
        float[] gx = tx.Grad!.ToFloatArray();
        for (int i = 0; i < total; i++)
        {
            float a = x[i], b = row[i % rowLength], gi = 1f + i % 5;
            Assert.Equal(a + b, sum[i]);
            Assert.Equal(b - a, diff[i]);
            Assert.Equal(Math.Max(a, b), m[i]);
            Assert.Equal(a > b ? gi : a == b ? gi / 2 : 0f, gx[i]);   // PyTorch's rule: a tie splits g in halves
        }
    }
}
