using System.CommandLine;
using Autograd.Samples.FashionMnist;

// Fashion-MNIST with the Autograd engine: parses the options, trains, prints the summary and,
// last, the machine-readable RESULT line. See docs/training.md.
var model = new Option<string>("--model", "-m") { Description = "cnn: the small CNN with SGD (default); resnet: a residual CNN with BatchNorm, Dropout, AdamW, a cosine schedule and flips/crops", DefaultValueFactory = _ => "cnn" };
model.AcceptOnlyFromAmong("cnn", "resnet");
var epochs = new Option<int>("--epochs", "-e") { Description = "Passes over the 60 000 training images", DefaultValueFactory = _ => 1 };
var batchSize = new Option<int?>("--batch-size", "-b") { Description = "Images per optimizer step (default 64 for cnn, 128 for resnet)" };
var lr = new Option<double?>("--lr") { Description = "Learning rate: SGD's (cnn, default 0.05), AdamW's peak before the cosine decay (resnet, default 0.003)" };
var momentum = new Option<double>("--momentum") { Description = "SGD momentum (cnn)", DefaultValueFactory = _ => 0.9 };
var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW's decoupled weight decay (resnet)", DefaultValueFactory = _ => 5e-4 };
var labelSmoothing = new Option<double?>("--label-smoothing") { Description = "cross_entropy's label smoothing (default 0 for cnn, 0.1 for resnet)" };
var widths = new Option<string>("--widths") { Description = "Channels of the three residual stages (resnet)", DefaultValueFactory = _ => "24,48,96" };
var tta = new Option<bool>("--tta") { Description = "Test-time augmentation: classify each test image by the mean of the softmax of it and of its mirror image (the single-view accuracy is printed too)" };
var save = new Option<string?>("--save") { Description = "Write a checkpoint (model, optimizer, schedule, epoch, loss curve; safetensors) to this file after every epoch" };
var stopAfter = new Option<int?>("--stop-after") { Description = "End this run after that epoch, as if interrupted (with --save, a later --resume continues it)" };
var resume = new Option<string?>("--resume") { Description = "Continue the run saved in this checkpoint from the epoch after it, up to --epochs" };
var seed = new Option<int>("--seed", "-s") { Description = "Seed of the weight initialisation (and, plus one, of the shuffling)", DefaultValueFactory = _ => 1 };
var threads = new Option<int?>("--threads", "-t") { Description = "Threads the kernels may use (default: all cores)" };
var data = new Option<string>("--data") { Description = "Directory with the Fashion-MNIST IDX files (.gz or raw)", DefaultValueFactory = _ => Autograd.Nn.Data.FashionMnist.DefaultDirectory };
var limit = new Option<int?>("--limit", "-n") { Description = "Use only the first N training and N test images (quick runs)" };
var logDir = new Option<string?>("--log-dir") { Description = "Where the per-step loss CSV goes (default: samples/FashionMnist/runs)" };
var plain = new Option<bool>("--plain") { Description = "Print periodic plain lines instead of the live progress bar (automatic when output is not a terminal)" };

epochs.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--epochs must be at least 1"); });
batchSize.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--batch-size must be at least 1"); });
lr.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is { } v && !(v > 0)) r.AddError("--lr must be positive"); });
weightDecay.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() >= 0)) r.AddError("--weight-decay must be at least 0"); });
labelSmoothing.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is { } v && !(v >= 0 && v <= 1)) r.AddError("--label-smoothing must be in [0, 1]"); });
widths.Validators.Add(r => { if (ParseWidths(r.GetValueOrDefault<string>()!) is null) r.AddError("--widths must be three positive integers, e.g. 24,48,96"); });
momentum.Validators.Add(r => { var m = r.GetValueOrDefault<double>(); if (!(m >= 0 && m < 1)) r.AddError("--momentum must be in [0, 1)"); });
threads.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--threads must be at least 1"); });
stopAfter.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--stop-after must be at least 1"); });
limit.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--limit must be at least 1"); });

var root = new RootCommand("Train a small CNN (or, with --model resnet, a residual CNN) on Fashion-MNIST with the Autograd engine (see docs/training.md).")
{
    model, epochs, batchSize, lr, momentum, weightDecay, labelSmoothing, widths, seed, threads, data, limit, logDir, plain, save, resume, stopAfter, tta,
};
root.SetAction(parse =>
{
    string m = parse.GetValue(model)!;
    var (defaultBatch, defaultLr, defaultSmoothing) = TrainOptions.Defaults(m);
    return Trainer.Run(new TrainOptions(
    Model: m,
    Epochs: parse.GetValue(epochs),
    BatchSize: parse.GetValue(batchSize) ?? defaultBatch,
    LearningRate: parse.GetValue(lr) ?? defaultLr,
    Momentum: parse.GetValue(momentum),
    WeightDecay: parse.GetValue(weightDecay),
    LabelSmoothing: parse.GetValue(labelSmoothing) ?? defaultSmoothing,
    Widths: ParseWidths(parse.GetValue(widths)!)!,
    Seed: parse.GetValue(seed),
    Threads: parse.GetValue(threads),
    DataDirectory: parse.GetValue(data)!,
    Limit: parse.GetValue(limit),
    LogDirectory: parse.GetValue(logDir),
    Plain: parse.GetValue(plain),
    SavePath: parse.GetValue(save),
    ResumePath: parse.GetValue(resume),
    StopAfter: parse.GetValue(stopAfter),
    Tta: parse.GetValue(tta)));
});
return root.Parse(args).Invoke();

static int[]? ParseWidths(string text)
{
    var parts = text.Split(',');
    var values = new int[parts.Length];
    for (int i = 0; i < parts.Length; i++)
        if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[i]) || values[i] < 1) return null;
    return values.Length == 3 ? values : null;
}
