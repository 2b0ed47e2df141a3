namespace Autograd.Nn;

/// <summary>Flattens dims startDim..endDim into one (torch.nn.Flatten; defaults keep the batch dim).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    /// <summary>The first dimension flattened (<c>start_dim</c>).</summary>
    public int StartDim { get; } = startDim;
    /// <summary>The last dimension flattened (<c>end_dim</c>).</summary>
    public int EndDim { get; } = endDim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Flatten(input, StartDim, EndDim);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}
