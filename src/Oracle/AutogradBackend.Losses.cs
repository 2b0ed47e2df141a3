namespace Autograd.Oracle;

public sealed partial class AutogradBackend
{
    public OracleTensor BinaryCrossEntropy(OracleTensor input, OracleTensor target, OracleTensor? weight, Reduction reduction)
        => Wrap(F.BinaryCrossEntropy(U(input), U(target), Opt(weight), reduction));
    public OracleTensor BinaryCrossEntropyWithLogits(OracleTensor input, OracleTensor target, OracleTensor? weight, Reduction reduction, OracleTensor? posWeight)
        => Wrap(F.BinaryCrossEntropyWithLogits(U(input), U(target), Opt(weight), reduction, Opt(posWeight)));
    public OracleTensor L1Loss(OracleTensor input, OracleTensor target, Reduction reduction, OracleTensor? weight) => Wrap(F.L1Loss(U(input), U(target), reduction, Opt(weight)));
    public OracleTensor MseLoss(OracleTensor input, OracleTensor target, Reduction reduction, OracleTensor? weight) => Wrap(F.MseLoss(U(input), U(target), reduction, Opt(weight)));
    public OracleTensor SmoothL1Loss(OracleTensor input, OracleTensor target, Reduction reduction, double beta) => Wrap(F.SmoothL1Loss(U(input), U(target), reduction, beta));
    public OracleTensor HuberLoss(OracleTensor input, OracleTensor target, Reduction reduction, double delta, OracleTensor? weight) => Wrap(F.HuberLoss(U(input), U(target), reduction, delta, Opt(weight)));
    public OracleTensor KlDiv(OracleTensor input, OracleTensor target, Reduction reduction, bool logTarget) => Wrap(F.KlDiv(U(input), U(target), reduction, logTarget));
    public OracleTensor NllLoss(OracleTensor input, OracleTensor target, OracleTensor? weight, int ignoreIndex, Reduction reduction)
        => Wrap(F.NllLoss(U(input), U(target), Opt(weight), ignoreIndex, reduction));
    public OracleTensor CrossEntropy(OracleTensor input, OracleTensor target, OracleTensor? weight, int ignoreIndex, Reduction reduction, double labelSmoothing)
        => Wrap(F.CrossEntropy(U(input), U(target), Opt(weight), ignoreIndex, reduction, labelSmoothing));
}
