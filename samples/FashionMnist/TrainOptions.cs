namespace Autograd.Samples.FashionMnist;

/// <summary>The command line, parsed; model-dependent defaults already filled in (<see cref="Resolve"/>).</summary>
internal sealed record TrainOptions(
    string Model,
    int Epochs,
    int BatchSize,
    double LearningRate,
    double Momentum,
    double WeightDecay,
    double LabelSmoothing,
    int[] Widths,
    int Seed,
    int? Threads,
    string DataDirectory,
    int? Limit,
    string? LogDirectory,
    bool Plain,
    string? SavePath,
    string? ResumePath,
    int? StopAfter,
    bool Tta = false)
{
    public bool IsResNet => Model == "resnet";

    /// <summary>
    /// The defaults that depend on the model: batch 64 / SGD lr 0.05 / no label smoothing (cnn),
    /// batch 128 / AdamW peak lr 3e-3 / label smoothing 0.1 (resnet).
    /// </summary>
    public static (int BatchSize, double LearningRate, double LabelSmoothing) Defaults(string model)
        => model == "resnet" ? (128, 3e-3, 0.1) : (64, 0.05, 0.0);
}

/// <summary>
/// What one epoch achieved. <paramref name="TestAccuracy"/> is the reported accuracy: with <c>--tta</c> the
/// flip-averaged one, and <paramref name="SingleViewAccuracy"/> is then the plain one (NaN without --tta).
/// </summary>
internal sealed record EpochResult(int Epoch, double MeanLoss, double TestAccuracy, double ImagesPerSecond, TimeSpan TrainTime, double SingleViewAccuracy = double.NaN);
