namespace Autograd.Oracle;

// The losses of issue 15 (src/Ops/Loss): F.binary_cross_entropy[_with_logits], l1, smooth_l1, huber, kl_div,
// and nll_loss / cross_entropy with a target tensor, class weights, ignore_index and label smoothing.
// No defaults: each call states every option, on both engines.
public partial interface IEngine
{
    EngineTensor BinaryCrossEntropy(EngineTensor input, EngineTensor target, EngineTensor? weight, Reduction reduction);
    EngineTensor BinaryCrossEntropyWithLogits(EngineTensor input, EngineTensor target, EngineTensor? weight, Reduction reduction, EngineTensor? posWeight);
    EngineTensor L1Loss(EngineTensor input, EngineTensor target, Reduction reduction, EngineTensor? weight);

    /// <summary>F.mse_loss with weight= (PyTorch 2.6+; functional.py's weighted path).</summary>
    EngineTensor MseLoss(EngineTensor input, EngineTensor target, Reduction reduction, EngineTensor? weight);
    EngineTensor SmoothL1Loss(EngineTensor input, EngineTensor target, Reduction reduction, double beta);
    EngineTensor HuberLoss(EngineTensor input, EngineTensor target, Reduction reduction, double delta, EngineTensor? weight);

    /// <summary>F.kl_div (reduction BatchMean = "batchmean").</summary>
    EngineTensor KlDiv(EngineTensor input, EngineTensor target, Reduction reduction, bool logTarget);

    /// <summary>F.nll_loss with an int64 target tensor.</summary>
    EngineTensor NllLoss(EngineTensor input, EngineTensor target, EngineTensor? weight, int ignoreIndex, Reduction reduction);

    /// <summary>F.cross_entropy with a target tensor (int64 class indices or float probabilities).</summary>
    EngineTensor CrossEntropy(EngineTensor input, EngineTensor target, EngineTensor? weight, int ignoreIndex, Reduction reduction, double labelSmoothing);
}
