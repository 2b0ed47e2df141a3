namespace Autograd.Nn.Optim;

/// <summary>
/// Base class of optimizers (torch.optim.Optimizer) over a single parameter group: holds the
/// parameters and the learning rate, zeroes gradients, and on <see cref="Step"/> updates every
/// parameter that has a gradient, in place and outside the graph.
/// </summary>
public abstract class Optimizer
{
    private double _lr;

    protected Optimizer(IEnumerable<Tensor> parameters, double lr, string name)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Name = name;
        LearningRate = lr;
        var list = new List<Tensor>();
        foreach (var p in parameters)
        {
            if (p is null) throw new ArgumentException($"{name}: parameter {list.Count} is null", nameof(parameters));
            if (!p.IsLeaf) throw new ArgumentException($"{name}: can't optimize a non-leaf Tensor (parameter {list.Count} was produced by {p.GradFn!.Name})", nameof(parameters));
            if (list.Exists(q => ReferenceEquals(q, p)))
                throw new ArgumentException($"{name}: some parameters appear more than once (parameter {list.Count}); duplicates would be stepped twice", nameof(parameters));
            list.Add(p);
        }
        if (list.Count == 0) throw new ArgumentException($"{name}: optimizer got an empty parameter list", nameof(parameters));
        Params = list;
    }

    /// <summary>The optimizer's name as in error messages ("SGD", "Adam").</summary>
    public string Name { get; }

    /// <summary>The parameters, in the order given.</summary>
    public IReadOnlyList<Tensor> Params { get; }

    /// <summary>Learning rate (param_groups[0]["lr"]); may be changed between steps, e.g. by a schedule.</summary>
    public double LearningRate
    {
        get => _lr;
        set
        {
            if (!(value >= 0)) throw new ArgumentOutOfRangeException(nameof(value), value, $"{Name}: Invalid learning rate: {value}");
            _lr = value;
        }
    }

    /// <summary>Number of completed <see cref="Step"/> calls.</summary>
    public long StepCount { get; private set; }

    /// <summary>Drops every parameter's gradient (optimizer.zero_grad(set_to_none=True)).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Params) p.Grad = null;
    }

    /// <summary>One update of every parameter whose <c>Grad</c> is set (optimizer.step()); others are skipped, as in PyTorch.</summary>
    public void Step()
    {
        using var _ = Grad.NoGrad();
        for (int i = 0; i < Params.Count; i++)
        {
            var p = Params[i];
            if (p.Grad is not { } g) continue;
            if (g.DType != p.DType || !g.Shape.SequenceEqual(p.Shape))
                throw new InvalidOperationException($"{Name}: parameter {i} has shape {ShapeUtil.Format(p.Shape)} {p.DType} but its grad has shape {ShapeUtil.Format(g.Shape)} {g.DType}");
            Update(i, p, g);
            p.BumpVersion();   // an in-place write: a graph that saved p now refuses to backward (Note [Version counters])
        }
        StepCount++;
    }

    /// <summary>Updates parameter <paramref name="index"/> in place from its gradient.</summary>
    protected abstract void Update(int index, Tensor param, Tensor grad);

    /// <summary>Validates a hyper-parameter that must be a finite number ≥ 0 with PyTorch's wording.</summary>
    protected static double NonNegative(double value, string what, string name, string argName)
        => value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(argName, value, $"{name}: Invalid {what}: {value}");
}
