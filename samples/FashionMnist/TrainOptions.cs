namespace Autograd.Samples.FashionMnist;

/// <summary>The command line, parsed.</summary>
internal sealed record TrainOptions(
    int Epochs,
    int BatchSize,
    double LearningRate,
    double Momentum,
    int Seed,
    int? Threads,
    string DataDirectory,
    int? Limit,
    string? LogDirectory,
    bool Plain);

/// <summary>What one epoch achieved.</summary>
internal sealed record EpochResult(int Epoch, double MeanLoss, double TestAccuracy, double ImagesPerSecond, TimeSpan TrainTime);
