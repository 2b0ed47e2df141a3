namespace Autograd.Nn;

/// <summary>
/// A tensor registered as a learnable parameter of a <see cref="Module"/> (torch.nn.Parameter).
/// Our <see cref="Tensor"/> is sealed, so a parameter wraps one instead of deriving from it; the
/// implicit conversion lets a parameter be passed wherever a tensor is expected.
/// </summary>
public sealed class Parameter
{
    /// <summary>Wraps <paramref name="data"/> (sharing it, like nn.Parameter) and sets its requires_grad.</summary>
    public Parameter(Tensor data, bool requiresGrad = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.IsLeaf)
            throw new ArgumentException("Parameter: data must be a leaf tensor (call Detach() first); got a tensor produced by " + data.GradFn!.Name, nameof(data));
        Data = data;
        data.RequiresGrad = requiresGrad;
    }

    /// <summary>The tensor holding the values (param.data); optimizers update it in place.</summary>
    public Tensor Data { get; }

    /// <summary>The accumulated gradient (param.grad).</summary>
    public Tensor? Grad
    {
        get => Data.Grad;
        set => Data.Grad = value;
    }

    /// <summary>Whether the parameter's tensor requires grad (<c>p.requires_grad</c>).</summary>
    public bool RequiresGrad => Data.RequiresGrad;

    /// <summary>The parameter's shape (<c>p.shape</c>).</summary>
    public ReadOnlySpan<int> Shape => Data.Shape;

    /// <summary>The parameter's number of elements (<c>p.numel()</c>).</summary>
    public int Numel => Data.Numel;

    /// <summary>The parameter's element type (<c>p.dtype</c>).</summary>
    public DType DType => Data.DType;

    /// <summary>Overwrites the values in place, e.g. with weights exported from PyTorch.</summary>
    public void CopyFrom(ReadOnlySpan<double> values)
    {
        if (values.Length != Data.Numel)
            throw new ArgumentException($"Parameter.CopyFrom: expected {Data.Numel} values for shape {ShapeUtil.Format(Data.Shape)}, got {values.Length}", nameof(values));
        for (int i = 0; i < values.Length; i++) Data.SetDouble(i, values[i]);
        Data.BumpVersion();   // like param.copy_(): graphs that saved the old values refuse to backward (Note [Version counters])
    }

    /// <summary>The parameter's tensor (<see cref="Data"/>), so a parameter goes where a tensor is expected, as in PyTorch.</summary>
    public static implicit operator Tensor(Parameter p) => p.Data;

    /// <inheritdoc/>
    public override string ToString() => "Parameter containing:\n" + Data;
}
