namespace Autograd.Nn.Optim;

/// <summary>
/// Cosine annealing with warm restarts (lr_scheduler.CosineAnnealingWarmRestarts): the cosine restarts
/// every T_i epochs, T_0 first and T_i·tMult after each restart.
/// </summary>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    /// <summary><c>CosineAnnealingWarmRestarts(optimizer, T_0, T_mult, eta_min)</c>: cosine cycles, the first <paramref name="t0"/> epochs long, each next one <paramref name="tMult"/> times longer.</summary>
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult = 1, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (t0 <= 0) throw new ArgumentOutOfRangeException(nameof(t0), t0, $"CosineAnnealingWarmRestarts: Expected positive integer T_0, but got {t0}");
        if (tMult < 1) throw new ArgumentOutOfRangeException(nameof(tMult), tMult, $"CosineAnnealingWarmRestarts: Expected integer T_mult >= 1, but got {tMult}");
        T0 = t0;
        TI = t0;
        TMult = tMult;
        EtaMin = etaMin;
        TCur = lastEpoch;
        InitialStep();
    }

    /// <summary>The number of epochs of the first period (<c>T_0</c>).</summary>
    public int T0 { get; }
    /// <summary>The factor by which each restart period grows (<c>T_mult</c>).</summary>
    public int TMult { get; }
    /// <summary>The minimum learning rate (<c>eta_min</c>).</summary>
    public double EtaMin { get; }
    /// <summary>Length of the current cycle (T_i).</summary>
    public double TI { get; private set; }
    /// <summary>Epochs since the last restart (T_cur).</summary>
    public double TCur { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr() => [.. BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * TCur / TI)) / 2)];

    /// <inheritdoc/>
    public override void Step()
    {
        if (LastEpoch < 0) { Step(0); return; }
        StepCount++;
        LastEpoch++;
        TCur += 1;
        if (TCur >= TI) { TCur -= TI; TI *= TMult; }
        Apply(GetLr());
    }

    /// <inheritdoc/>
    public override void Step(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"CosineAnnealingWarmRestarts: Expected non-negative epoch, but got {epoch}");
        StepCount++;
        if (epoch >= T0)
        {
            if (TMult == 1) TCur = epoch % T0;
            else
            {
                int n = (int)Math.Log((double)epoch / T0 * (TMult - 1) + 1, TMult);
                TCur = epoch - T0 * (Math.Pow(TMult, n) - 1) / (TMult - 1);
                TI = T0 * Math.Pow(TMult, n);
            }
        }
        else { TI = T0; TCur = epoch; }
        LastEpoch = epoch;
        Apply(GetLr());
    }

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object> s) { s["T_i"] = TI; s["T_cur"] = TCur; }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object> s)
    {
        if (s.TryGetValue("T_i", out var i)) TI = Convert.ToDouble(i);
        if (s.TryGetValue("T_cur", out var c)) TCur = Convert.ToDouble(c);
    }
}
