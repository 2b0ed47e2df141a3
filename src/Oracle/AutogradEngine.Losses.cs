namespace Autograd.Oracle;

public sealed partial class AutogradEngine
{
    public EngineTensor BinaryCrossEntropy(EngineTensor input, EngineTensor target, EngineTensor? weight, Reduction reduction)
        => Wrap(F.BinaryCrossEntropy(U(input), U(target), Opt(weight), reduction));
    public EngineTensor BinaryCrossEntropyWithLogits(EngineTensor input, EngineTensor target, EngineTensor? weight, Reduction reduction, EngineTensor? posWeight)
        => Wrap(F.BinaryCrossEntropyWithLogits(U(input), U(target), Opt(weight), reduction, Opt(posWeight)));
    public EngineTensor L1Loss(EngineTensor input, EngineTensor target, Reduction reduction, EngineTensor? weight) => Wrap(F.L1Loss(U(input), U(target), reduction, Opt(weight)));
    public EngineTensor MseLoss(EngineTensor input, EngineTensor target, Reduction reduction, EngineTensor? weight) => Wrap(F.MseLoss(U(input), U(target), reduction, Opt(weight)));
    public EngineTensor SmoothL1Loss(EngineTensor input, EngineTensor target, Reduction reduction, double beta) => Wrap(F.SmoothL1Loss(U(input), U(target), reduction, beta));
    public EngineTensor HuberLoss(EngineTensor input, EngineTensor target, Reduction reduction, double delta, EngineTensor? weight) => Wrap(F.HuberLoss(U(input), U(target), reduction, delta, Opt(weight)));
    public EngineTensor KlDiv(EngineTensor input, EngineTensor target, Reduction reduction, bool logTarget) => Wrap(F.KlDiv(U(input), U(target), reduction, logTarget));
    public EngineTensor NllLoss(EngineTensor input, EngineTensor target, EngineTensor? weight, int ignoreIndex, Reduction reduction)
        => Wrap(F.NllLoss(U(input), U(target), Opt(weight), ignoreIndex, reduction));
    public EngineTensor CrossEntropy(EngineTensor input, EngineTensor target, EngineTensor? weight, int ignoreIndex, Reduction reduction, double labelSmoothing)
        => Wrap(F.CrossEntropy(U(input), U(target), Opt(weight), ignoreIndex, reduction, labelSmoothing));
}
