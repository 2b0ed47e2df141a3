namespace Autograd;

/// <summary>
/// A tensor a node saved for backward, with its version at save time (PyTorch's SavedVariable;
/// Note [Saved tensors]).
/// </summary>
internal sealed class SavedTensor
{
    private readonly Tensor _tensor;
    private readonly int _version;
    private readonly Node? _producer;   // the tensor's grad_fn when saved, for the error message
    private readonly int _outputNr;

    internal SavedTensor(Tensor tensor, Node? producer, int outputNr)
    {
        _tensor = tensor;
        _version = tensor.Version;
        _producer = producer;
        _outputNr = outputNr;
    }

    internal Tensor Tensor => _tensor;

    /// <summary>True when this is <paramref name="node"/>'s own output (Pack names the node as its producer).</summary>
    internal bool IsOutputOf(Node node) => ReferenceEquals(_producer, node);

    /// <summary>Saves <paramref name="saved"/>; a saved tensor that is the node's own output names the node as its producer.</summary>
    internal static SavedTensor[]? Pack(ReadOnlySpan<Tensor?> saved, Tensor? output, Node node)
    {
        int n = 0;
        foreach (var t in saved) if (t is not null) n++;
        if (n == 0) return null;
        var r = new SavedTensor[n];
        n = 0;
        foreach (var t in saved)
        {
            if (t is null) continue;
            bool isOutput = output is not null && (ReferenceEquals(t, output) || t.SharesStorageWith(output));   // a detached alias of the output counts
            r[n++] = isOutput ? new SavedTensor(t, node, 0) : new SavedTensor(t, t.GradFn, t.OutputNr);
        }
        return r;
    }

    /// <summary>Throws PyTorch's error when the tensor was written in place after it was saved.</summary>
    internal void Check()
    {
        int now = _tensor.Version;
        if (now == _version) return;
        string type = _tensor.DType == DType.Float64 ? "torch.DoubleTensor" : "torch.FloatTensor";
        string of = _producer is null ? "" : $", which is output {_outputNr} of {_producer.Name},";
        throw new InvalidOperationException(
            $"one of the variables needed for gradient computation has been modified by an inplace operation: [{type} {ShapeUtil.Format(_tensor.Shape)}]{of} is at version {now}; expected version {_version} instead. " +
            (Anomaly.IsEnabled
                ? "Hint: the backtrace further above shows the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!"
                : "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with using (Grad.DetectAnomaly()) { ... }."));
    }

    internal static InvalidOperationException Freed(string node) => new(
        $"{node}: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
        "Saved intermediate values of the graph are freed when you call .Backward() or Grad.Compute(). " +
        "Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.");
}
