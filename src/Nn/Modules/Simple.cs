namespace Autograd.Nn;

/// <summary>max(x, 0) elementwise (torch.nn.ReLU); with <paramref name="inplace"/> the input is overwritten (a version-counted write).</summary>
public sealed class ReLU(bool inplace = false) : Module
{
    public bool Inplace { get; } = inplace;

    public override Tensor Forward(Tensor input) => F.Relu(input, Inplace);

    protected override string ExtraRepr() => Inplace ? "inplace=True" : "";
}

/// <summary>Flattens dims startDim..endDim into one (torch.nn.Flatten; defaults keep the batch dim).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    public int StartDim { get; } = startDim;
    public int EndDim { get; } = endDim;

    public override Tensor Forward(Tensor input) => F.Flatten(input, StartDim, EndDim);

    protected override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}
