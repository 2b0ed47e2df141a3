using Autograd.Nn;

namespace Autograd.Tests.Nn;

public class ModuleTests
{
    /// <summary>y = x·scale + shift, with a child holding the shift: enough to test registration.</summary>
    private sealed class Affine : Module
    {
        public Affine()
        {
            Scale = RegisterParameter("scale", new Parameter(Tensor.From(new[] { 2.0 }, [1])))!;
            Inner = RegisterModule("inner", new Shift());
        }

        public Parameter Scale { get; }
        public Shift Inner { get; }

        public override Tensor Forward(Tensor input) => Inner.Forward(input * Scale);
    }

    private sealed class Shift : Module
    {
        public Shift()
        {
            Value = RegisterParameter("value", new Parameter(Tensor.From(new[] { 1.0 }, [1])))!;
            RegisterParameter("unused", null);
        }

        public Parameter Value { get; }

        public override Tensor Forward(Tensor input) => input + Value;
    }

    [Fact]
    public void NamedParametersAreDepthFirstInRegistrationOrder()
    {
        var m = new Affine();
        Assert.Equal(["scale", "inner.value"], m.NamedParameters().Select(p => p.Name));
        Assert.Same(m.Scale, m.Parameters().First());
        Assert.Equal(2, m.ParameterCount());
        Assert.Equal(2, m.Modules().Count());
    }

    [Fact]
    public void TrainAndEvalReachEveryDescendant()
    {
        var m = new Affine();
        Assert.True(m.Training && m.Inner.Training);
        m.Eval();
        Assert.False(m.Training);
        Assert.False(m.Inner.Training);
        m.Train();
        Assert.True(m.Inner.Training);
    }

    [Fact]
    public void ZeroGradClearsGradientsAfterBackward()
    {
        var m = new Affine();
        var y = m.Forward(Tensor.From(new[] { 3.0 }, [1])).Sum();
        y.Backward();
        Assert.Equal(3.0, m.Scale.Grad!.Item());  // d(3·s + v)/ds = 3
        Assert.Equal(1.0, m.Inner.Value.Grad!.Item());
        m.ZeroGrad();
        Assert.All(m.Parameters(), p => Assert.Null(p.Grad));
    }

    private sealed class Duplicate : Module
    {
        public Duplicate()
        {
            RegisterParameter("w", new Parameter(Tensor.Zeros([1])));
            RegisterParameter("w", new Parameter(Tensor.Zeros([1])));
        }

        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void DuplicateNamesAreRejected()
    {
        Assert.Contains("attribute 'w' already exists", Assert.ThrowsAny<ArgumentException>(() => new Duplicate()).Message);
    }

    [Fact]
    public void ParameterSharesItsTensorAndRejectsNonLeaves()
    {
        var t = Tensor.From(new[] { 1.0 }, [1]);
        var p = new Parameter(t);
        Assert.True(t.RequiresGrad);
        p.CopyFrom([5.0]);
        Assert.Equal(5.0, t.Item());
        Tensor asTensor = p;
        Assert.Same(t, asTensor);
        Assert.Contains("leaf", Assert.ThrowsAny<ArgumentException>(() => new Parameter(t * 2.0)).Message);
        Assert.Contains("expected 1 values", Assert.ThrowsAny<ArgumentException>(() => p.CopyFrom([1.0, 2.0])).Message);
    }
}
