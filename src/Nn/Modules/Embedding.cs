namespace Autograd.Nn;

/// <summary>
/// A lookup table of <see cref="NumEmbeddings"/> vectors of size <see cref="EmbeddingDim"/>
/// (torch.nn.Embedding); Forward takes an int64 (or int32) index tensor of any shape. The weight starts
/// N(0, 1) with the padding row zeroed, as PyTorch's reset_parameters; a negative padding index counts
/// from the end and is stored normalised.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary><c>nn.Embedding(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type, scale_grad_by_freq)</c>: a lookup table initialized from N(0, 1) with <paramref name="generator"/>; the <paramref name="paddingIdx"/> row is zero and gets no gradient.</summary>
    public Embedding(int numEmbeddings, int embeddingDim, long? paddingIdx = null, double? maxNorm = null, double normType = 2,
        bool scaleGradByFreq = false, DType dtype = DType.Float32, Generator? generator = null)
        : this(numEmbeddings, embeddingDim, paddingIdx, maxNorm, normType, scaleGradByFreq, null, freeze: false, dtype, generator) { }

    private Embedding(int numEmbeddings, int embeddingDim, long? paddingIdx, double? maxNorm, double normType,
        bool scaleGradByFreq, Tensor? weight, bool freeze, DType dtype, Generator? generator)
    {
        if (numEmbeddings < 0) throw new ArgumentOutOfRangeException(nameof(numEmbeddings), numEmbeddings, $"Embedding: num_embeddings must be non-negative, got {numEmbeddings}");
        if (embeddingDim < 0) throw new ArgumentOutOfRangeException(nameof(embeddingDim), embeddingDim, $"Embedding: embedding_dim must be non-negative, got {embeddingDim}");
        if (paddingIdx is { } p && (p >= numEmbeddings || p < -numEmbeddings))
            throw new ArgumentOutOfRangeException(nameof(paddingIdx), p, $"Embedding: Padding_idx must be within num_embeddings (got padding_idx={p} for {numEmbeddings} embeddings)");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = paddingIdx is { } q && q < 0 ? q + numEmbeddings : paddingIdx;
        MaxNorm = maxNorm;
        NormType = normType;
        ScaleGradByFreq = scaleGradByFreq;
        if (weight is null)
        {
            weight = Tensor.Randn([numEmbeddings, embeddingDim], dtype, generator: generator);
            if (PaddingIdx is { } pad)   // reset_parameters: normal_, then the padding row filled with 0
            {
                if (dtype == DType.Float32) weight.Span<float>().Slice((int)pad * embeddingDim, embeddingDim).Clear();
                else weight.Span<double>().Slice((int)pad * embeddingDim, embeddingDim).Clear();
            }
        }
        Weight = RegisterParameter("weight", new Parameter(weight, requiresGrad: !freeze))!;
    }

    /// <summary>
    /// Embedding.from_pretrained: a module whose weight is <paramref name="embeddings"/> (shared, not
    /// copied, like PyTorch), frozen (requires_grad false) unless <paramref name="freeze"/> is false.
    /// The padding row is left as given.
    /// </summary>
    public static Embedding FromPretrained(Tensor embeddings, bool freeze = true, long? paddingIdx = null, double? maxNorm = null,
        double normType = 2, bool scaleGradByFreq = false)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Rank != 2)
            throw new ArgumentException($"Embedding.from_pretrained: Embeddings parameter is expected to be 2-dimensional, got {ShapeUtil.Format(embeddings.Shape)}", nameof(embeddings));
        embeddings.RequireFloating("Embedding.from_pretrained", nameof(embeddings));
        return new Embedding(embeddings.Shape[0], embeddings.Shape[1], paddingIdx, maxNorm, normType, scaleGradByFreq,
            embeddings, freeze, embeddings.DType, null);
    }

    /// <summary>The size of the dictionary (<c>num_embeddings</c>).</summary>
    public int NumEmbeddings { get; }
    /// <summary>The size of each embedding vector (<c>embedding_dim</c>).</summary>
    public int EmbeddingDim { get; }
    /// <summary>The index whose embedding is not updated (<c>padding_idx</c>), or null.</summary>
    public long? PaddingIdx { get; }
    /// <summary>Embeddings with a larger norm are renormalized to this norm (<c>max_norm</c>), or null.</summary>
    public double? MaxNorm { get; }
    /// <summary>The p of the p-norm for <c>max_norm</c> (<c>norm_type</c>).</summary>
    public double NormType { get; }
    /// <summary>Whether gradients are scaled by the inverse frequency of the words in the batch (<c>scale_grad_by_freq</c>).</summary>
    public bool ScaleGradByFreq { get; }
    /// <summary>The learnable weight (<c>weight</c>).</summary>
    public Parameter Weight { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Embedding(input, Weight, PaddingIdx, MaxNorm, NormType, ScaleGradByFreq);

    /// <inheritdoc/>
    protected override string ExtraRepr()
    {
        var s = $"{NumEmbeddings}, {EmbeddingDim}";
        if (PaddingIdx is { } p) s += $", padding_idx={p}";
        if (MaxNorm is { } m) s += $", max_norm={Dropout.PyFloat(m)}";
        if (NormType != 2) s += $", norm_type={Dropout.PyFloat(NormType)}";
        if (ScaleGradByFreq) s += ", scale_grad_by_freq=True";
        return s;
    }
}
