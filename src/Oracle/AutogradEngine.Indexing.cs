namespace Autograd.Oracle;

// Indexing on our engine: the Tensor indexer and IndexPut_.
public sealed partial class AutogradEngine
{
    public EngineTensor Index(EngineTensor x, TensorIndex[] indices) => Wrap(U(x)[indices]);

    public EngineTensor SetIndex(EngineTensor x, TensorIndex[] indices, EngineTensor values)
    {
        U(x)[indices] = U(values);
        return x;
    }

    public EngineTensor SetIndex(EngineTensor x, TensorIndex[] indices, double value)
    {
        U(x)[indices] = value;
        return x;
    }

    public EngineTensor IndexPut_(EngineTensor x, Tensor[] indices, EngineTensor values, bool accumulate = false)
    {
        U(x).IndexPut_(indices, U(values), accumulate);
        return x;
    }
}
