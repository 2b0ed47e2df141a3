namespace Autograd.Oracle;

// The losses of issue 15 (src/Ops/Loss): F.binary_cross_entropy[_with_logits], l1, smooth_l1, huber, kl_div,
// and nll_loss / cross_entropy with a target tensor, class weights, ignore_index and label smoothing.
// No defaults: each call states every option, on both engines.
public partial interface IOracleBackend
{
    OracleTensor BinaryCrossEntropy(OracleTensor input, OracleTensor target, OracleTensor? weight, Reduction reduction);
    OracleTensor BinaryCrossEntropyWithLogits(OracleTensor input, OracleTensor target, OracleTensor? weight, Reduction reduction, OracleTensor? posWeight);
    OracleTensor L1Loss(OracleTensor input, OracleTensor target, Reduction reduction, OracleTensor? weight);

    /// <summary>F.mse_loss with weight= (PyTorch 2.6+; functional.py's weighted path).</summary>
    OracleTensor MseLoss(OracleTensor input, OracleTensor target, Reduction reduction, OracleTensor? weight);
    OracleTensor SmoothL1Loss(OracleTensor input, OracleTensor target, Reduction reduction, double beta);
    OracleTensor HuberLoss(OracleTensor input, OracleTensor target, Reduction reduction, double delta, OracleTensor? weight);

    /// <summary>F.kl_div (reduction BatchMean = "batchmean").</summary>
    OracleTensor KlDiv(OracleTensor input, OracleTensor target, Reduction reduction, bool logTarget);

    /// <summary>F.nll_loss with an int64 target tensor.</summary>
    OracleTensor NllLoss(OracleTensor input, OracleTensor target, OracleTensor? weight, int ignoreIndex, Reduction reduction);

    /// <summary>F.cross_entropy with a target tensor (int64 class indices or float probabilities).</summary>
    OracleTensor CrossEntropy(OracleTensor input, OracleTensor target, OracleTensor? weight, int ignoreIndex, Reduction reduction, double labelSmoothing);
}
