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

/// <summary>Applies its children in order (torch.nn.Sequential); they are named "0", "1", ….</summary>
public sealed class Sequential : Module
{
    private readonly Module[] _layers;

    public Sequential(params Module[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is null) throw new ArgumentException($"Sequential: layer {i} is null", nameof(layers));
            RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), layers[i]);
        }
        _layers = (Module[])layers.Clone();
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    public int Count => _layers.Length;

    public Module this[int index] => _layers[index];

    public override Tensor Forward(Tensor input)
    {
        foreach (var layer in _layers) input = layer.Forward(input);
        return input;
    }
}
