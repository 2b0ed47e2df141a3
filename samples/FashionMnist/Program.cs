using System.CommandLine;
using Autograd.Samples.FashionMnist;

// Fashion-MNIST with the Autograd engine: parses the options, trains, prints the summary and,
// last, the machine-readable RESULT line. See docs/training.md.
var epochs = new Option<int>("--epochs", "-e") { Description = "Passes over the 60 000 training images", DefaultValueFactory = _ => 1 };
var batchSize = new Option<int>("--batch-size", "-b") { Description = "Images per SGD step", DefaultValueFactory = _ => 64 };
var lr = new Option<double>("--lr") { Description = "SGD learning rate", DefaultValueFactory = _ => 0.05 };
var momentum = new Option<double>("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0.9 };
var seed = new Option<int>("--seed", "-s") { Description = "Seed of the weight initialisation (and, plus one, of the shuffling)", DefaultValueFactory = _ => 1 };
var threads = new Option<int?>("--threads", "-t") { Description = "Threads the kernels may use (default: all cores)" };
var data = new Option<string>("--data") { Description = "Directory with the Fashion-MNIST IDX files (.gz or raw)", DefaultValueFactory = _ => Autograd.Nn.Data.FashionMnist.DefaultDirectory };
var limit = new Option<int?>("--limit", "-n") { Description = "Use only the first N training and N test images (quick runs)" };
var logDir = new Option<string?>("--log-dir") { Description = "Where the per-step loss CSV goes (default: samples/FashionMnist/runs)" };
var plain = new Option<bool>("--plain") { Description = "Print periodic plain lines instead of the live progress bar (automatic when output is not a terminal)" };

epochs.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--epochs must be at least 1"); });
batchSize.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--batch-size must be at least 1"); });
lr.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() > 0)) r.AddError("--lr must be positive"); });
momentum.Validators.Add(r => { var m = r.GetValueOrDefault<double>(); if (!(m >= 0 && m < 1)) r.AddError("--momentum must be in [0, 1)"); });
threads.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--threads must be at least 1"); });
limit.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--limit must be at least 1"); });

var root = new RootCommand("Train a small CNN on Fashion-MNIST with the Autograd engine (see docs/training.md).")
{
    epochs, batchSize, lr, momentum, seed, threads, data, limit, logDir, plain,
};
root.SetAction(parse => Trainer.Run(new TrainOptions(
    Epochs: parse.GetValue(epochs),
    BatchSize: parse.GetValue(batchSize),
    LearningRate: parse.GetValue(lr),
    Momentum: parse.GetValue(momentum),
    Seed: parse.GetValue(seed),
    Threads: parse.GetValue(threads),
    DataDirectory: parse.GetValue(data)!,
    Limit: parse.GetValue(limit),
    LogDirectory: parse.GetValue(logDir),
    Plain: parse.GetValue(plain))));
return root.Parse(args).Invoke();
