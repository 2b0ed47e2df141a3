namespace Autograd.Oracle;

// Indexing (tensor.__getitem__, __setitem__, index_put_). The index expression is our TensorIndex, whose index
// tensors are our Int64/Int32/Bool tensors: each engine translates it (TorchSharp's TensorIndex for libtorch).
public partial interface IOracleBackend
{
    /// <summary>x[indices] (tensor.__getitem__).</summary>
    OracleTensor Index(OracleTensor x, TensorIndex[] indices);

    /// <summary>x[indices] = values, in place (tensor.__setitem__); returns x.</summary>
    OracleTensor SetIndex(OracleTensor x, TensorIndex[] indices, OracleTensor values);

    /// <summary>x[indices] = value, a number, in place; returns x.</summary>
    OracleTensor SetIndex(OracleTensor x, TensorIndex[] indices, double value);

    /// <summary>
    /// x.index_put_(indices, values, accumulate); returns x. With accumulate, libtorch's side is index_add_
    /// (TorchSharp 0.107 has no index_put_ with accumulate): one index tensor, or one per dim of x.
    /// </summary>
    OracleTensor IndexPut_(OracleTensor x, Tensor[] indices, OracleTensor values, bool accumulate = false);
}
