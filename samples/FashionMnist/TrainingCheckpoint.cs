using System.Globalization;
using System.Text.Json;
using Autograd.Nn;
using Autograd.Nn.Optim;

namespace Autograd.Samples.FashionMnist;

/// <summary>A checkpoint that does not belong to the run asked for (another model, seed, batch size or data).</summary>
internal sealed class CheckpointMismatchException(string message) : Exception(message);

/// <summary>
/// --save / --resume: one safetensors file (Autograd.Nn.Checkpoints.Checkpoint) with the model's state
/// dict (BatchNorm's running statistics included), the optimizer's state and parameter groups, the
/// schedule's state, the epoch just finished, the loss of every step so far and the per-epoch results.
/// </summary>
/// <remarks>
/// With Note [Epoch randomness] this is all a run needs to continue exactly: resuming from epoch k's
/// checkpoint gives the same losses, step for step, as the run that never stopped.
/// </remarks>
internal static class TrainingCheckpoint
{
    /// <summary>The settings that must agree for a resumed run to continue the saved one.</summary>
    private static Dictionary<string, string> RunKey(TrainOptions o, int trainCount) => new()
    {
        ["run.model"] = o.Model,
        ["run.seed"] = o.Seed.ToString(CultureInfo.InvariantCulture),
        ["run.epochs"] = o.Epochs.ToString(CultureInfo.InvariantCulture),   // the cosine's T_max depends on it
        ["run.batch_size"] = o.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["run.train_images"] = trainCount.ToString(CultureInfo.InvariantCulture),
        ["run.widths"] = o.IsResNet ? string.Join(",", o.Widths) : "-",
        ["run.tta"] = o.Tta ? "1" : "0",   // the reported accuracies of earlier epochs must mean the same
        ["run.label_smoothing"] = o.LabelSmoothing.ToString("R", CultureInfo.InvariantCulture),
    };

    public static void Save(string path, Recipe run, TrainOptions o, int epoch, IReadOnlyList<double> losses, IReadOnlyList<EpochResult> results)
    {
        var metadata = RunKey(o, run.Data.Count);
        metadata["epoch"] = epoch.ToString(CultureInfo.InvariantCulture);
        metadata["results"] = JsonSerializer.Serialize(results.Select(r => double.IsNaN(r.SingleViewAccuracy)   // JSON has no NaN: a run without --tta stores five numbers
            ? new[] { r.Epoch, r.MeanLoss, r.TestAccuracy, r.ImagesPerSecond, r.TrainTime.TotalSeconds }
            : new[] { r.Epoch, r.MeanLoss, r.TestAccuracy, r.ImagesPerSecond, r.TrainTime.TotalSeconds, r.SingleViewAccuracy }));
        var (optimizerTensors, optimizerMetadata) = run.Optimizer.StateDict().ToFlat();
        var sections = new Dictionary<string, CheckpointSection>
        {
            ["optimizer"] = new(optimizerTensors, optimizerMetadata),
            ["history"] = new(new Dictionary<string, Tensor> { ["losses"] = Tensor.From(losses.ToArray(), [losses.Count]) }),
        };
        if (run.Schedule is { } schedule)
            sections["scheduler"] = new(new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["state"] = OptionsJson.Serialize(schedule.StateDict()) });
        Checkpoint.Save(path, run.Model, metadata, sections);
    }

    public static (int Epoch, double[] Losses, List<EpochResult> Results) Restore(string path, Recipe run, TrainOptions o)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--resume: checkpoint '{path}' not found", path);
        var checkpoint = Checkpoint.Load(path);
        foreach (var (key, value) in RunKey(o, run.Data.Count))
            if (!checkpoint.Metadata.TryGetValue(key, out var saved) || saved != value)
                throw new CheckpointMismatchException($"--resume: '{path}' was saved by a run with {key[4..]}={saved ?? "(none)"}, this run has {value}; use the same options");
        int epoch = int.Parse(checkpoint.Metadata["epoch"], CultureInfo.InvariantCulture);
        if (epoch >= o.Epochs)
            throw new CheckpointMismatchException($"--resume: '{path}' already holds all {epoch} epochs of its run");
        run.Model.LoadStateDict(checkpoint.Model, strict: true);
        var optimizer = checkpoint.Section("optimizer");
        run.Optimizer.LoadStateDict(OptimizerStateDict.FromFlat(optimizer.Tensors, optimizer.Metadata));
        if (run.Schedule is { } schedule)
            schedule.LoadStateDict(OptionsJson.Deserialize(checkpoint.Section("scheduler").Metadata["state"]));
        var losses = checkpoint.Section("history").Tensors["losses"].ToDoubleArray();
        var results = JsonSerializer.Deserialize<double[][]>(checkpoint.Metadata["results"])!
            .Select(r => new EpochResult((int)r[0], r[1], r[2], r[3], TimeSpan.FromSeconds(r[4]), r.Length > 5 ? r[5] : double.NaN)).ToList();
        return (epoch, losses, results);
    }
}
