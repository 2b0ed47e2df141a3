using Autograd.Nn;
using Autograd.Nn.Data;
using Autograd.Nn.Optim;
using Dataset = Autograd.Nn.Data.FashionMnist;

namespace Autograd.Samples.FashionMnist;

/// <summary>What --model chooses: the network, its optimizer and schedule, and the training data with its augmentation.</summary>
internal sealed record Recipe(Module Model, Optimizer Optimizer, LRScheduler? Schedule, TensorDataset Data, Transform? Augment)
{
    public static Recipe Create(TrainOptions o, Dataset train)
    {
        var generator = new Generator(o.Seed);
        var data = new TensorDataset(train.Pixels.ToArray(), [.. train.Labels.ToArray().Select(l => (long)l)],
            new ImageShape(1, Dataset.Height, Dataset.Width));
        if (!o.IsResNet)
        {
            var cnn = Network.Build(generator);
            return new Recipe(cnn, new SGD(cnn.Parameters(), lr: o.LearningRate, momentum: o.Momentum), null, data, null);
        }
        var model = ResNet.Build(generator, o.Widths);
        var optimizer = new AdamW(model.Parameters(), lr: o.LearningRate, weightDecay: o.WeightDecay);
        // The cosine decays from the peak lr to 0 over the whole run, stepped after every batch.
        var schedule = new CosineAnnealingLR(optimizer, tMax: o.Epochs * new BatchIterator(train.Count, o.BatchSize).BatchCount);
        // The images are already normalised: pad with the background (a raw 0 pixel) in normalised units.
        var augment = new Compose(new RandomHorizontalFlip(), new RandomCrop(Dataset.Height, padding: 2, fill: -Dataset.Mean / Dataset.Std));
        return new Recipe(model, optimizer, schedule, data, augment);
    }
}
