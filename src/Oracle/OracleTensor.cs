namespace Autograd.Oracle;

/// <summary>A tensor of one oracle backend: enough to read it back and to write graphs with operators.</summary>
public abstract class OracleTensor
{
    /// <summary>The backend that made this tensor and runs its operators.</summary>
    public abstract IOracleBackend Backend { get; }
    public abstract int[] Shape { get; }
    public abstract DType DType { get; }
    public abstract bool RequiresGrad { get; }

    /// <summary>The values as double (exact for float32).</summary>
    public abstract double[] Values();

    /// <summary>The accumulated gradient as double, or null when there is none.</summary>
    public abstract double[]? GradValues();

    public static OracleTensor operator +(OracleTensor a, OracleTensor b) => a.Backend.Add(a, b);
    public static OracleTensor operator -(OracleTensor a, OracleTensor b) => a.Backend.Sub(a, b);
    public static OracleTensor operator *(OracleTensor a, OracleTensor b) => a.Backend.Mul(a, b);
    public static OracleTensor operator /(OracleTensor a, OracleTensor b) => a.Backend.Div(a, b);
    public static OracleTensor operator -(OracleTensor a) => a.Backend.Neg(a);
    public static OracleTensor operator +(OracleTensor a, double b) => a.Backend.Add(a, b);
    public static OracleTensor operator -(OracleTensor a, double b) => a.Backend.Sub(a, b);
    public static OracleTensor operator *(OracleTensor a, double b) => a.Backend.Mul(a, b);
    public static OracleTensor operator /(OracleTensor a, double b) => a.Backend.Div(a, b);
    public static OracleTensor operator *(double a, OracleTensor b) => b.Backend.Mul(b, a);
    public static OracleTensor operator +(double a, OracleTensor b) => b.Backend.Add(b, a);
}
