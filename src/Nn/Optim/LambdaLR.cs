namespace Autograd.Nn.Optim;

/// <summary>lr = initial_lr · lrLambda(epoch), one function for all groups or one per group (lr_scheduler.LambdaLR).</summary>
public sealed class LambdaLR : LRScheduler
{
    private readonly Func<int, double>[] _lambdas;

    /// <summary><c>LambdaLR(optimizer, lr_lambda)</c>: lr = base lr × <paramref name="lrLambda"/>(epoch), the same function for every group.</summary>
    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, Enumerable.Repeat(lrLambda ?? throw new ArgumentNullException(nameof(lrLambda)), (optimizer ?? throw new ArgumentNullException(nameof(optimizer))).ParamGroups.Count).ToArray(), lastEpoch) { }

    /// <summary><c>LambdaLR(optimizer, lr_lambda)</c> with one function per parameter group.</summary>
    public LambdaLR(Optimizer optimizer, IReadOnlyList<Func<int, double>> lrLambda, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(lrLambda);
        if (lrLambda.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"LambdaLR: Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lrLambda.Count}", nameof(lrLambda));
        _lambdas = [.. lrLambda];
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr() => [.. BaseLrs.Select((b, i) => b * _lambdas[i](LastEpoch))];
}
