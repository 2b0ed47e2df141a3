using Autograd.Nn;
using Autograd.Nn.Data;
using Autograd.Nn.Optim;

namespace Autograd.Tests.Checkpoints;

/// <summary>
/// The contract behind the sample's --save/--resume: a training run of a model with BatchNorm and Dropout,
/// AdamW and a per-step cosine schedule, saved after epoch 1 into one checkpoint and continued by fresh
/// objects, gives bit for bit the losses and weights of the run that never stopped. The reference is that
/// uninterrupted run, so any state the checkpoint forgot (running statistics, num_batches_tracked, Adam's
/// moments and step, the schedule's position, the group lr) makes the two differ.
/// </summary>
public class TrainingResumeTests
{
    private const int Images = 48, Batch = 16, Epochs = 3;

    private static TensorDataset Data()
    {
        var g = new Generator(7);
        var pixels = new float[Images * 64];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (float)g.NextNormal();
        var labels = new long[Images];
        for (int i = 0; i < Images; i++) labels[i] = i % 3;
        return new TensorDataset(pixels, labels, new ImageShape(1, 8, 8));
    }

    private sealed record Run(Sequential Model, AdamW Optimizer, CosineAnnealingLR Schedule);

    private static Run Create(int initSeed)
    {
        var g = new Generator(initSeed);
        var model = new Sequential(new Conv2d(1, 4, 3, padding: 1, bias: false, generator: g), new BatchNorm2d(4), new ReLU(),
            new AdaptiveAvgPool2d(1), new Flatten(), new Dropout(0.3), new Linear(4, 3, generator: g));
        var optimizer = new AdamW(model.Parameters(), lr: 0.05, weightDecay: 0.01);
        return new Run(model, optimizer, new CosineAnnealingLR(optimizer, tMax: Epochs * Images / Batch));
    }

    /// <summary>One epoch whose randomness depends on the epoch number only (the sample's Note [Epoch randomness]).</summary>
    private static List<double> Epoch(Run run, TensorDataset data, int epoch)
    {
        var generator = new Generator(100 + epoch);
        ((Dropout)run.Model[5]).Generator = new Generator(200 + epoch);
        var augment = new Compose(new RandomHorizontalFlip(), new RandomCrop(8, padding: 1));
        var loader = new DataLoader(data, Batch, shuffle: true, transform: augment, generator: generator);
        var losses = new List<double>();
        run.Model.Train();
        foreach (var (x, y) in loader)
        {
            var loss = F.CrossEntropy(run.Model.Forward(x), y);
            run.Optimizer.ZeroGrad();
            loss.Backward();
            run.Optimizer.Step();
            run.Schedule.Step();
            losses.Add(loss.Item());
        }
        return losses;
    }

    [Fact]
    public void ResumedRunRepeatsTheUninterruptedOneBitForBit()
    {
        var data = Data();
        var straight = Create(initSeed: 1);
        var straightLosses = new List<double>();
        for (int e = 1; e <= Epochs; e++) straightLosses.AddRange(Epoch(straight, data, e));

        var first = Create(initSeed: 1);
        var resumedLosses = Epoch(first, data, 1);
        string path = Path.Combine(Path.GetTempPath(), $"resume-{Guid.NewGuid():N}.safetensors");
        try
        {
            var (optTensors, optMeta) = first.Optimizer.StateDict().ToFlat();
            Checkpoint.Save(path, first.Model, new Dictionary<string, string> { ["epoch"] = "1" }, new Dictionary<string, CheckpointSection>
            {
                ["optimizer"] = new(optTensors, optMeta),
                ["scheduler"] = new(new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["state"] = OptionsJson.Serialize(first.Schedule.StateDict()) }),
            });

            var second = Create(initSeed: 99);   // other weights: everything must come from the file
            var checkpoint = Checkpoint.Load(path, second.Model);
            var opt = checkpoint.Section("optimizer");
            second.Optimizer.LoadStateDict(OptimizerStateDict.FromFlat(opt.Tensors, opt.Metadata));
            second.Schedule.LoadStateDict(OptionsJson.Deserialize(checkpoint.Section("scheduler").Metadata["state"]));
            Assert.Equal("1", checkpoint.Metadata["epoch"]);
            for (int e = 2; e <= Epochs; e++) resumedLosses.AddRange(Epoch(second, data, e));

            Assert.Equal(straightLosses.Count, resumedLosses.Count);
            for (int i = 0; i < straightLosses.Count; i++)
                Assert.True(straightLosses[i] == resumedLosses[i], $"step {i + 1}: uninterrupted {straightLosses[i]:R}, resumed {resumedLosses[i]:R}");
            foreach (var ((name, a), (_, b)) in straight.Model.StateDict().Zip(second.Model.StateDict()))
                Assert.True(a.ToDoubleArray().SequenceEqual(b.ToDoubleArray()), $"{name} differs after the resumed run");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
