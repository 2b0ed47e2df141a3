namespace Autograd.Oracle;

// Indexing on our engine: the Tensor indexer and IndexPut_.
public sealed partial class AutogradBackend
{
    public OracleTensor Index(OracleTensor x, TensorIndex[] indices) => Wrap(U(x)[indices]);

    public OracleTensor SetIndex(OracleTensor x, TensorIndex[] indices, OracleTensor values)
    {
        U(x)[indices] = U(values);
        return x;
    }

    public OracleTensor SetIndex(OracleTensor x, TensorIndex[] indices, double value)
    {
        U(x)[indices] = value;
        return x;
    }

    public OracleTensor IndexPut_(OracleTensor x, Tensor[] indices, OracleTensor values, bool accumulate = false)
    {
        U(x).IndexPut_(indices, U(values), accumulate);
        return x;
    }
}
