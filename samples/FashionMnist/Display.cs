using System.Diagnostics;
using System.Globalization;
using Autograd.Nn;
using Autograd.Nn.Data;
using Dataset = Autograd.Nn.Data.FashionMnist;
using Spectre.Console;

namespace Autograd.Samples.FashionMnist;

/// <summary>Per-batch and per-epoch events of the training loop.</summary>
internal interface ITrainingProgress
{
    void BeginEpoch(int epoch);
    void Batch(int batch, double runningLoss, double imagesPerSecond);
    void Evaluating();
    void EndEpoch(EpochResult result);
}

/// <summary>
/// Everything the sample prints. On a terminal the training shows a live Spectre.Console progress
/// bar; when output is redirected (CI, `| tee`, log files) or with --plain, a plain line every
/// <see cref="PlainInterval"/> instead, since a live bar would either vanish or flood the log.
/// </summary>
internal sealed class Display
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);
    private readonly bool _live;

    private Display(bool live) => _live = live;

    public static Display Create(bool forcePlain)
    {
        if (Console.IsOutputRedirected)
        {
            // A log file wants neither escape codes nor the 80 columns Spectre assumes without a
            // terminal (too narrow for the confusion matrix).
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(Console.Out),
            });
            AnsiConsole.Profile.Width = 110;
        }
        bool live = !forcePlain && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        return new Display(live);
    }

    public void Error(string message) => Console.Error.WriteLine("error: " + message);

    public void Header(TrainOptions o, Module model, int trainCount, int testCount, TimeSpan loadTime)
    {
        AnsiConsole.Write(new Rule("[bold]Fashion-MNIST · Autograd[/]").LeftJustified());
        AnsiConsole.WriteLine(model.ToString());
        AnsiConsole.MarkupLine(Inv($"parameters [bold]{model.ParameterCount():N0}[/] · train {trainCount:N0} · test {testCount:N0} images (loaded in {loadTime.TotalSeconds:F1} s from {Markup.Escape(o.DataDirectory)})"));
        AnsiConsole.MarkupLine(Inv($"epochs {o.Epochs} · batch {o.BatchSize} · {(o.IsResNet ? $"AdamW lr {o.LearningRate} weight decay {o.WeightDecay}, cosine per step, flips and crops" : $"SGD lr {o.LearningRate} momentum {o.Momentum}")} · seed {o.Seed} · threads {Threading.NumThreads} · {(_live ? "live progress" : "plain progress")}"));
    }

    /// <summary>Runs the training loop with a progress sink suited to the output.</summary>
    public void Train(int epochs, int batches, Action<ITrainingProgress> loop)
    {
        if (!_live)
        {
            loop(new PlainProgress(epochs, batches));
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 16 }, new PercentageColumn(),
                new RemainingTimeColumn())
            .Start(ctx => loop(new LiveProgress(ctx, epochs, batches)));
    }

    public void Summary(IReadOnlyList<EpochResult> results, int[,] confusion, IReadOnlyList<double> losses, string csvPath)
    {
        var epochs = new Table().Title("epochs").AddColumns("epoch", "mean loss", "test accuracy", "images/s", "train time");
        foreach (var r in results)
            epochs.AddRow(Inv($"{r.Epoch}"), Inv($"{r.MeanLoss:F4}"), Inv($"{r.TestAccuracy:P2}"), Inv($"{r.ImagesPerSecond:F0}"), Inv($"{r.TrainTime.TotalSeconds:F1} s"));
        AnsiConsole.Write(epochs);
        AnsiConsole.Write(ConfusionTable(confusion));
        var chart = LossChart.Render(losses, width: 64, height: 12);
        string title = Inv($"training loss (cross-entropy), {losses.Count} steps") + (losses.Count > 64 ? Inv($", mean of {losses.Count / 64.0:F1} per column") : "");
        AnsiConsole.Write(new Panel(new Text(string.Join('\n', chart))).Header(title).Border(BoxBorder.Rounded));
        AnsiConsole.MarkupLine($"loss per step: [link]{Markup.Escape(csvPath)}[/]");
    }

    private static Table ConfusionTable(int[,] m)
    {
        int k = m.GetLength(0);
        var table = new Table().Title("confusion matrix on the test set (rows: true class, columns: predicted)").Border(TableBorder.Simple);
        table.AddColumn("true \\ predicted");
        for (int j = 0; j < k; j++) table.AddColumn(new TableColumn(Inv($"{j}")).RightAligned());
        table.AddColumn(new TableColumn("recall").RightAligned());
        for (int i = 0; i < k; i++)
        {
            var cells = new List<string> { Markup.Escape(Inv($"{i} {Dataset.ClassNames[i]}")) };
            int total = 0;
            for (int j = 0; j < k; j++) total += m[i, j];
            for (int j = 0; j < k; j++)
                cells.Add(i == j ? Inv($"[green]{m[i, j]}[/]") : m[i, j] == 0 ? "[grey]·[/]" : Inv($"{m[i, j]}"));
            cells.Add(total == 0 ? "-" : Inv($"{(double)m[i, i] / total:P1}"));
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Describe(int epoch, int epochs, int batch, int batches, double loss, double rate)
        => Inv($"epoch {epoch}/{epochs} · {batch}/{batches} · loss {loss:F4} · {rate:F0} img/s");

    private sealed class LiveProgress(ProgressContext ctx, int epochs, int batches) : ITrainingProgress
    {
        private ProgressTask? _task;
        private int _epoch;

        public void BeginEpoch(int epoch)
        {
            _epoch = epoch;
            _task = ctx.AddTask(Inv($"epoch {epoch}/{epochs} · starting"), maxValue: batches);
        }

        public void Batch(int batch, double runningLoss, double imagesPerSecond)
        {
            _task!.Value = batch;
            _task.Description = Describe(_epoch, epochs, batch, batches, runningLoss, imagesPerSecond);
        }

        public void Evaluating() => _task!.Description += " · testing…";

        public void EndEpoch(EpochResult r)
        {
            _task!.Description = Inv($"epoch {r.Epoch}/{epochs} · loss {r.MeanLoss:F4} · {r.ImagesPerSecond:F0} img/s · [green]test accuracy {r.TestAccuracy:P2}[/]");
            _task.StopTask();
        }
    }

    private sealed class PlainProgress(int epochs, int batches) : ITrainingProgress
    {
        private readonly Stopwatch _sinceLine = new();
        private int _epoch;

        public void BeginEpoch(int epoch)
        {
            _epoch = epoch;
            _sinceLine.Restart();
        }

        public void Batch(int batch, double runningLoss, double imagesPerSecond)
        {
            if (batch != 1 && batch != batches && _sinceLine.Elapsed < PlainInterval) return;
            _sinceLine.Restart();
            Console.WriteLine(Inv($"epoch {_epoch}/{epochs} · batch {batch}/{batches} · loss {runningLoss:F4} · {imagesPerSecond:F0} img/s"));
        }

        public void Evaluating() => Console.WriteLine(Inv($"epoch {_epoch}/{epochs} · testing…"));

        public void EndEpoch(EpochResult r)
            => Console.WriteLine(Inv($"epoch {r.Epoch}/{epochs} · mean loss {r.MeanLoss:F4} · {r.ImagesPerSecond:F0} img/s · test accuracy {r.TestAccuracy:P2}")
                + (double.IsNaN(r.SingleViewAccuracy) ? "" : Inv($" (single view {r.SingleViewAccuracy:P2})")));
    }
}
