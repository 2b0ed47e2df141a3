using Autograd.Nn;

namespace Autograd.Samples.FashionMnist;

internal static class Network
{
    /// <summary>
    /// The network, layer for layer as in reference.py; (N, 1, 28, 28) → (N, 10) logits.
    /// Shapes: 28×28 → conv 32@28×28 → max-pool 32@14×14 → conv 64@14×14 → avg-pool 64@7×7 → 3136 → 128 → 10.
    /// </summary>
    public static Sequential Build(Generator generator) => new(
        new Conv2d(1, 32, 3, padding: 1, generator: generator),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(32, 64, 3, padding: 1, generator: generator),
        new ReLU(),
        new AvgPool2d(2),
        new Flatten(),
        new Linear(64 * 7 * 7, 128, generator: generator),
        new ReLU(),
        new Linear(128, 10, generator: generator));
}
