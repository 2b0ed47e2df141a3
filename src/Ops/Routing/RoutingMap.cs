namespace Autograd;

/// <summary>
/// One path of a gradient through an op: output cell <see cref="Output"/> sends <see cref="Weight"/> times
/// its gradient to input cell <see cref="Input"/> (flat row-major indices into the input and the output).
/// </summary>
public readonly record struct Route(int Input, int Output, double Weight);

// Note [Routing maps]
// A routing map is the Jacobian of a linear(ised) op written the way the seeds draw it: for each input
// cell, which output cells send it gradient and with what weight (dX[i] = Σ_routes Weight · dY[Output]).
// It is built from the op's own window tables (PoolGeometry, ConvGeometry) after the op itself has run
// once on the arguments, so a map exists exactly for the calls the op accepts, with the op's errors.
// Value-dependent ops read the values they depend on: max pooling's argmax (the op's own indices, so
// ties go where the engine sends them), lp pooling's window sums, conv2d's weights. A route is kept even
// when its weight is 0 (a zero filter tap, lp pooling of a zero cell): it is a path, the weight says how
// much flows along it. Two count tables: senders (routes into a cell: the seeds' "position matrix",
// argmax wins for max pooling) and windows (output cells whose window covers the cell: the same as
// senders except for max pooling, where only the argmax receives).

/// <summary>
/// Which output cells send gradient to each input cell of one op call, and with what weight (Note
/// [Routing maps]). Immutable; built by the static methods named after the ops, with the ops' arguments:
/// <see cref="MaxPool2d"/>, <see cref="AvgPool2d"/>, <see cref="LpPool2d"/>, <see cref="AdaptiveAvgPool2d"/>,
/// <see cref="AdaptiveMaxPool2d"/>, <see cref="Conv2d"/>, <see cref="Pad"/>; chained with <see cref="Then"/>.
/// <see cref="ToString"/> prints the seeds' tables (the position matrix of senders, the window counts, the
/// weight sums) for each input plane.
/// </summary>
public sealed partial class RoutingMap
{
    private readonly int[] _inputShape, _outputShape;
    private readonly Route[] _byInput, _byOutput;   // sorted by (Input, Output) and by (Output, Input)
    private readonly int[] _inputStart, _outputStart;   // CSR offsets into the two arrays
    private readonly int[] _windows;

    internal RoutingMap(string op, int[] inputShape, int[] outputShape, List<Route> routes, int[]? windows = null)
    {
        Op = op;
        _inputShape = inputShape;
        _outputShape = outputShape;
        InputCount = ShapeUtil.Numel(inputShape);
        OutputCount = ShapeUtil.Numel(outputShape);
        _byInput = [.. routes];
        Array.Sort(_byInput, (a, b) => a.Input != b.Input ? a.Input.CompareTo(b.Input) : a.Output.CompareTo(b.Output));
        _byOutput = [.. routes];
        Array.Sort(_byOutput, (a, b) => a.Output != b.Output ? a.Output.CompareTo(b.Output) : a.Input.CompareTo(b.Input));
        _inputStart = Offsets(_byInput, InputCount, r => r.Input);
        _outputStart = Offsets(_byOutput, OutputCount, r => r.Output);
        _windows = windows ?? Enumerable.Range(0, InputCount).Select(i => _inputStart[i + 1] - _inputStart[i]).ToArray();
    }

    /// <summary>The op's PyTorch name ("max_pool2d", "conv2d", or "a → b" for <see cref="Then"/>).</summary>
    public string Op { get; }

    /// <summary>Shape of the op's input: the cells gradient is routed to.</summary>
    public TensorShape InputShape => TensorShape.Of(_inputShape);

    /// <summary>Shape of the op's output: the cells gradient is routed from.</summary>
    public TensorShape OutputShape => TensorShape.Of(_outputShape);

    /// <summary>Number of input cells (flat indices 0 … InputCount − 1).</summary>
    public int InputCount { get; }

    /// <summary>Number of output cells.</summary>
    public int OutputCount { get; }

    /// <summary>Every route, ordered by input cell then output cell.</summary>
    public IReadOnlyList<Route> Routes => Array.AsReadOnly(_byInput);

    /// <summary>The routes whose gradient lands on input cell <paramref name="input"/> (flat index), by output cell.</summary>
    public ReadOnlySpan<Route> RoutesInto(int input)
    {
        CheckIndex(input, InputCount, nameof(input));
        return _byInput.AsSpan(_inputStart[input], _inputStart[input + 1] - _inputStart[input]);
    }

    /// <summary>The routes output cell <paramref name="output"/> (flat index) sends its gradient along, by input cell.</summary>
    public ReadOnlySpan<Route> RoutesFrom(int output)
    {
        CheckIndex(output, OutputCount, nameof(output));
        return _byOutput.AsSpan(_outputStart[output], _outputStart[output + 1] - _outputStart[output]);
    }

    /// <summary>How many output cells send gradient to the input cell (the seeds' position matrix).</summary>
    public int SenderCount(int input) => RoutesInto(input).Length;

    /// <summary>How many output windows include the input cell (for max pooling: whether or not it is their argmax).</summary>
    public int WindowCount(int input)
    {
        CheckIndex(input, InputCount, nameof(input));
        return _windows[input];
    }

    /// <summary>The weight output cell <paramref name="output"/> sends to input cell <paramref name="input"/>; 0 without a route.</summary>
    public double Weight(int input, int output)
    {
        CheckIndex(output, OutputCount, nameof(output));
        foreach (var r in RoutesInto(input))
            if (r.Output == output) return r.Weight;
        return 0;
    }

    /// <summary>Σ of the weights into the input cell: its gradient when every output's gradient is 1 (y.Sum().Backward()).</summary>
    public double WeightSum(int input)
    {
        double s = 0;
        foreach (var r in RoutesInto(input)) s += r.Weight;
        return s;
    }

    /// <summary>Flat index of the input cell at <paramref name="coords"/> (one per input dim).</summary>
    public int InputIndex(params ReadOnlySpan<int> coords) => Flatten(_inputShape, coords, nameof(coords));

    /// <summary>Flat index of the output cell at <paramref name="coords"/> (one per output dim).</summary>
    public int OutputIndex(params ReadOnlySpan<int> coords) => Flatten(_outputShape, coords, nameof(coords));

    /// <summary>The coordinates of a flat input index.</summary>
    public int[] InputCoords(int input) => Unflatten(_inputShape, input, InputCount, nameof(input));

    /// <summary>The coordinates of a flat output index.</summary>
    public int[] OutputCoords(int output) => Unflatten(_outputShape, output, OutputCount, nameof(output));

    /// <summary><see cref="SenderCount"/> of every input cell, as an int64 tensor shaped like the input.</summary>
    public Tensor SenderCounts() => Tensor.From(Enumerable.Range(0, InputCount).Select(i => (long)SenderCount(i)).ToArray(), _inputShape);

    /// <summary><see cref="WindowCount"/> of every input cell, as an int64 tensor shaped like the input.</summary>
    public Tensor WindowCounts() => Tensor.From(_windows.Select(c => (long)c).ToArray(), _inputShape);

    /// <summary><see cref="WeightSum"/> of every input cell, as a float64 tensor shaped like the input.</summary>
    public Tensor WeightSums() => Tensor.From(Enumerable.Range(0, InputCount).Select(WeightSum).ToArray(), _inputShape);

    /// <summary>
    /// The input gradient the map gives for an upstream gradient shaped like the output:
    /// dX[i] = Σ Weight · dY[Output] over the routes into i (float64, shaped like the input).
    /// </summary>
    public Tensor Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        if (!gradOutput.Shape.SequenceEqual(_outputShape))
            throw new ArgumentException($"RoutingMap.Backward: gradOutput of shape {ShapeUtil.Format(gradOutput.Shape)} does not match the {Op} output shape {ShapeUtil.Format(_outputShape)}", nameof(gradOutput));
        var g = gradOutput.ToDoubleArray();
        var dx = new double[InputCount];
        foreach (var r in _byInput) dx[r.Input] += r.Weight * g[r.Output];
        return Tensor.From(dx, _inputShape);
    }

    /// <summary>
    /// The map of this op followed by <paramref name="next"/> (whose input is this op's output): routes
    /// multiply along each path and add over the middle cells, as the chain rule does.
    /// </summary>
    public RoutingMap Then(RoutingMap next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (!next._inputShape.AsSpan().SequenceEqual(_outputShape))
            throw new ArgumentException($"RoutingMap.Then: {next.Op} takes an input of shape {ShapeUtil.Format(next._inputShape)}, but {Op} gives {ShapeUtil.Format(_outputShape)}", nameof(next));
        var routes = new List<Route>();
        var row = new Dictionary<int, double>();
        for (int i = 0; i < InputCount; i++)
        {
            row.Clear();
            foreach (var first in RoutesInto(i))
                foreach (var second in next.RoutesInto(first.Output))
                    row[second.Output] = row.GetValueOrDefault(second.Output) + first.Weight * second.Weight;
            foreach (var (o, w) in row) routes.Add(new Route(i, o, w));
        }
        return new RoutingMap($"{Op} → {next.Op}", _inputShape, next._outputShape, routes);
    }

    private static int[] Offsets(Route[] sorted, int count, Func<Route, int> key)
    {
        var start = new int[count + 1];
        foreach (var r in sorted) start[key(r) + 1]++;
        for (int i = 0; i < count; i++) start[i + 1] += start[i];
        return start;
    }

    private static void CheckIndex(int index, int count, string name)
    {
        if ((uint)index >= (uint)count)
            throw new ArgumentOutOfRangeException(name, $"RoutingMap: {name} index {index} is out of range for {count} cells");
    }

    private static int Flatten(int[] shape, ReadOnlySpan<int> coords, string name)
    {
        if (coords.Length != shape.Length)
            throw new ArgumentException($"RoutingMap: expected {shape.Length} coordinates for shape {ShapeUtil.Format(shape)}, got {coords.Length}", name);
        int flat = 0;
        for (int d = 0; d < shape.Length; d++)
        {
            if ((uint)coords[d] >= (uint)shape[d])
                throw new ArgumentOutOfRangeException(name, $"RoutingMap: coordinate {coords[d]} is out of range for dim {d} of shape {ShapeUtil.Format(shape)}");
            flat = flat * shape[d] + coords[d];
        }
        return flat;
    }

    private static int[] Unflatten(int[] shape, int flat, int count, string name)
    {
        CheckIndex(flat, count, name);
        var coords = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            coords[d] = flat % shape[d];
            flat /= shape[d];
        }
        return coords;
    }
}
