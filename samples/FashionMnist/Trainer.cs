using System.Diagnostics;
using System.Globalization;
using Autograd.Nn;
using Autograd.Nn.Data;
using Dataset = Autograd.Nn.Data.FashionMnist;
using Autograd.Nn.Optim;

namespace Autograd.Samples.FashionMnist;

/// <summary>Loads the data, trains, evaluates after each epoch, logs and reports.</summary>
internal static class Trainer
{
    private const int EvalBatch = 1000;

    public static int Run(TrainOptions o)
    {
        var display = Display.Create(o.Plain);
        try
        {
            return Train(o, display);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException or CheckpointMismatchException)
        {
            display.Error(e.Message);
            return 2;
        }
    }

    private static int Train(TrainOptions o, Display display)
    {
        if (o.Threads is { } t) Threading.NumThreads = t;
        var load = Stopwatch.StartNew();
        var train = Dataset.Load(o.DataDirectory, train: true, limit: o.Limit);
        var test = Dataset.Load(o.DataDirectory, train: false, limit: o.Limit);
        load.Stop();

        var run = Recipe.Create(o, train);
        var model = run.Model;
        var batchCount = new BatchIterator(train.Count, o.BatchSize).BatchCount;
        var losses = new List<double>();
        var results = new List<EpochResult>();
        int firstEpoch = 1;
        if (o.ResumePath is { } resumePath)
        {
            var saved = TrainingCheckpoint.Restore(resumePath, run, o);
            firstEpoch = saved.Epoch + 1;
            losses.AddRange(saved.Losses);
            results.AddRange(saved.Results);
        }
        display.Header(o, model, train.Count, test.Count, load.Elapsed);

        string csvPath = CsvPath(o.LogDirectory);
        using var csv = new StreamWriter(csvPath);
        csv.WriteLine("step,epoch,batch,loss");
        for (int i = 0; i < losses.Count; i++)   // a resumed run's CSV holds the whole curve
            csv.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i + 1},{i / batchCount + 1},{i % batchCount + 1},{losses[i]:R}"));

        int[,] confusion = new int[Dataset.Classes, Dataset.Classes];
        display.Train(o.Epochs, batchCount, progress =>
        {
            int lastEpoch = Math.Min(o.Epochs, o.StopAfter ?? o.Epochs);
            for (int epoch = firstEpoch; epoch <= lastEpoch; epoch++)
            {
                progress.BeginEpoch(epoch);
                model.Train();
                // Note [Epoch randomness]: each epoch's shuffling, crops/flips and dropout masks come from
                // generators seeded by (seed, epoch) alone, so a run resumed from the checkpoint of epoch k
                // draws exactly what the uninterrupted run drew in epoch k + 1 (epoch 1 uses seed + 1 for
                // the shuffling, as this sample always has).
                var generator = new Generator(unchecked(o.Seed + 1 + (epoch - 1) * 1_000_003));
                Generator.ManualSeed(unchecked(o.Seed + 2 + (epoch - 1) * 1_000_003));
                var batches = new BatchIterator(train.Count, o.BatchSize, shuffle: true, generator: generator);
                var loader = new DataLoader(run.Data, o.BatchSize, transform: run.Augment, generator: generator);
                double running = 0, sum = 0;
                int seen = 0, b = 0;
                var clock = Stopwatch.StartNew();
                foreach (var idx in batches)
                {
                    double l;
                    // Note [Tensor scopes]: the step's activations, residuals and gradients are pooled
                    // and recycled when the scope ends (no large-object-heap churn); the parameters,
                    // buffers and optimizer state live outside it. Gradients left in .Grad belong to the
                    // scope, which is fine: ZeroGrad clears them before the next backward.
                    using (new TensorScope())
                    {
                        var (x, y) = loader.Batch(idx);
                        var loss = F.CrossEntropy(model.Forward(x), y, labelSmoothing: o.LabelSmoothing);
                        run.Optimizer.ZeroGrad();
                        loss.Backward();
                        run.Optimizer.Step();
                        run.Schedule?.Step();
                        l = loss.Item();
                    }
                    losses.Add(l);
                    sum += l;
                    running = b == 0 ? l : 0.98 * running + 0.02 * l;
                    seen += idx.Length;
                    b++;
                    csv.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{losses.Count},{epoch},{b},{l:R}"));
                    progress.Batch(b, running, seen / clock.Elapsed.TotalSeconds);
                }
                clock.Stop();
                csv.Flush();
                progress.Evaluating();
                var (accuracy, matrix, single) = Evaluate(model, test, o.Tta);
                confusion = matrix;
                var r = new EpochResult(epoch, sum / b, accuracy, seen / clock.Elapsed.TotalSeconds, clock.Elapsed, single);
                results.Add(r);
                if (o.SavePath is { } savePath) TrainingCheckpoint.Save(savePath, run, o, epoch, losses, results);
                progress.EndEpoch(r);
            }
        });

        display.Summary(results, confusion, losses, csvPath);
        double totalImages = (double)train.Count * results.Count;
        double totalSeconds = results.Sum(r => r.TrainTime.TotalSeconds);
        // The machine-readable last line: accuracy as a fraction in [0, 1], throughput of training.
        Console.Out.Flush();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT epochs={results[^1].Epoch} test_accuracy={results[^1].TestAccuracy:F4} images_per_second={totalImages / totalSeconds:F1}")
            + (o.Tta ? string.Create(CultureInfo.InvariantCulture, $" tta=flip single_view_accuracy={results[^1].SingleViewAccuracy:F4}") : ""));
        return 0;
    }

    /// <summary>Accuracy and confusion matrix (rows: true class, columns: predicted) over the whole set, without recording a graph.</summary>
    internal static (double Accuracy, int[,] Confusion) Evaluate(Module model, Dataset data)
    {
        var (accuracy, confusion, _) = Evaluate(model, data, tta: false);
        return (accuracy, confusion);
    }

    /// <summary>
    /// As <see cref="Evaluate(Module, Dataset)"/>; with <paramref name="tta"/> each image is classified by the mean
    /// of softmax(model(x)) and softmax(model(flip(x))) — the model was trained on mirrored images too — and the
    /// single-view accuracy is returned beside it (NaN without tta). Note [Flip test-time augmentation].
    /// </summary>
    internal static (double Accuracy, int[,] Confusion, double SingleView) Evaluate(Module model, Dataset data, bool tta)
    {
        model.Eval();
        var confusion = new int[Dataset.Classes, Dataset.Classes];
        int correct = 0, singleCorrect = 0;
        using (Grad.NoGrad())
        {
            for (int start = 0; start < data.Count; start += EvalBatch)
            {
                int[] idx = Enumerable.Range(start, Math.Min(EvalBatch, data.Count - start)).ToArray();
                float[] logits, scores;
                // Note [Flip test-time augmentation]: Fashion-MNIST's classes are mirror-symmetric (a shirt
                // mirrored is a shirt) and the network was trained on mirrored images, so the two views are
                // two honest opinions of one model; averaging their probabilities (not logits) is the
                // standard flip TTA. It costs a second forward pass at evaluation only, never at training;
                // each view gets its own scope so the pool holds one forward's activations, not two.
                using (new TensorScope())
                {
                    var y = model.Forward(data.Images(idx));
                    logits = y.ToFloatArray();
                    scores = tta ? F.Softmax(y, 1).ToFloatArray() : logits;
                }
                if (tta)
                {
                    float[] mirrored;
                    using (new TensorScope()) mirrored = F.Softmax(model.Forward(F.Flip(data.Images(idx), 3)), 1).ToFloatArray();
                    for (int k = 0; k < scores.Length; k++) scores[k] += mirrored[k];
                }
                int[] labels = data.LabelsAt(idx);
                for (int i = 0; i < idx.Length; i++)
                {
                    if (ArgMax(logits.AsSpan(i * Dataset.Classes, Dataset.Classes)) == labels[i]) singleCorrect++;
                    int predicted = ArgMax(scores.AsSpan(i * Dataset.Classes, Dataset.Classes));
                    confusion[labels[i], predicted]++;
                    if (predicted == labels[i]) correct++;
                }
            }
        }
        model.Train();
        return ((double)correct / data.Count, confusion, tta ? (double)singleCorrect / data.Count : double.NaN);
    }

    /// <summary>First index of the maximum, like torch.argmax.</summary>
    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /// <summary>runs/ next to the sample's project file when run from the repository, else ./runs.</summary>
    private static string CsvPath(string? logDirectory)
    {
        string dir = logDirectory ?? FindSampleDirectory() ?? "runs";
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $"loss-{DateTime.Now:yyyyMMdd-HHmmss}.csv");
    }

    private static string? FindSampleDirectory()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FashionMnist.csproj"))) return Path.Combine(d.FullName, "runs");
        return null;
    }
}
