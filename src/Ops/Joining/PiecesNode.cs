namespace Autograd;

/// <summary>
/// The one node of all the pieces of a split, chunk or unbind, as PyTorch records it (SplitBackward0 etc.,
/// each piece with its own output number): its backward joins the pieces' gradients back along the dim
/// (cat, or stack for unbind), zeros standing in for the pieces that got none. One pass over x's size
/// however many pieces there are, and differentiable to any order since the join is (Note [Double backward]).
/// </summary>
internal sealed class PiecesNode : Node
{
    private readonly int[][] _pieceShapes;
    private readonly DType _dtype;
    private readonly Func<Tensor[], Tensor> _join;

    private PiecesNode(string name, Tensor x, Edge edge, int[][] pieceShapes, Func<Tensor[], Tensor> join)
        : base(name, [edge.Node], [x.Dims], [x.DType], pieceShapes[0], null, edge.Slot == 0 ? null : [edge.Slot])
    {
        _pieceShapes = pieceShapes;
        _dtype = x.DType;
        _join = join;
        DifferentiableBackward = true;
    }

    internal override int OutputCount => _pieceShapes.Length;

    /// <summary>Gives <paramref name="pieces"/> (cut from x) one node when x needs a gradient; returns the pieces.</summary>
    internal static Tensor[] Record(string name, Tensor x, Tensor[] pieces, Func<Tensor[], Tensor> join)
    {
        if (pieces.Length == 0 || !NeedsGrad([x])) return pieces;
        var node = new PiecesNode(name, x, x.GradientEdge, pieces.Select(p => p.Dims).ToArray(), join);
        for (int i = 0; i < pieces.Length; i++) pieces[i].SetGradFn(node, i);
        return pieces;
    }

    internal override Tensor?[] Invoke(Tensor?[] gradOutputs)
    {
        CheckUsable();
        var parts = new Tensor[gradOutputs.Length];
        for (int i = 0; i < parts.Length; i++) parts[i] = gradOutputs[i] ?? Tensor.Empty(_dtype, _pieceShapes[i]);
        return [_join(parts)];
    }
}
