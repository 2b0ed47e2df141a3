using Autograd.Nn;
using TorchApi = TorchSharp.torch;
using TorchModule = TorchSharp.torch.nn.Module;

namespace Autograd.TorchSharp;

/// <summary>
/// Copies parameter values between an Autograd <see cref="Module"/> and a TorchSharp module, matched by
/// name (<c>named_parameters()</c>: "0.weight", "conv1.bias", ...), so the same weights run in both:
/// <c>model.CopyTo(torchModel)</c>, <c>model.CopyFrom(torchModel)</c>.
/// </summary>
/// <remarks>
/// Values are copied (the modules never share memory), converted to the destination's dtype; the names
/// and the shapes must match exactly, or nothing is copied and an ArgumentException lists every
/// difference. Gradients, optimizer state and buffers are not copied.
/// </remarks>
public static class TorchModules
{
    extension(Module module)
    {
        /// <summary>Copies our parameter values into <paramref name="torchModule"/>'s parameters of the same names.</summary>
        public void CopyTo(TorchModule torchModule)
        {
            var pairs = Match(module, torchModule, "CopyTo");
            using var _ = TorchApi.no_grad();
            foreach (var (ours, theirs) in pairs)
            {
                using var src = ours.Data.ToTorch(requiresGrad: false);
                using var cast = src.to_type(theirs.dtype);
                theirs.copy_(cast);
            }
        }

        /// <summary>Copies <paramref name="torchModule"/>'s parameter values into our parameters of the same names.</summary>
        public void CopyFrom(TorchModule torchModule)
        {
            var pairs = Match(module, torchModule, "CopyFrom");
            foreach (var (ours, theirs) in pairs) ours.CopyFrom(TorchConversions.ReadDoubles(theirs));
        }
    }

    private static List<(Parameter Ours, TorchApi.Tensor Theirs)> Match(Module module, TorchModule torchModule, string op)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(torchModule);
        TorchSharpLibrary.EnsureLoaded();
        var ours = module.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var theirs = torchModule.named_parameters().ToDictionary(p => p.name, p => (TorchApi.Tensor)p.parameter);
        var problems = new List<string>();
        var onlyOurs = ours.Keys.Where(k => !theirs.ContainsKey(k)).ToList();
        var onlyTheirs = theirs.Keys.Where(k => !ours.ContainsKey(k)).ToList();
        if (onlyOurs.Count > 0) problems.Add($"only in ours: {string.Join(", ", onlyOurs)}");
        if (onlyTheirs.Count > 0) problems.Add($"only in the TorchSharp module: {string.Join(", ", onlyTheirs)}");
        var pairs = new List<(Parameter, TorchApi.Tensor)>();
        foreach (var (name, p) in ours)
        {
            if (!theirs.TryGetValue(name, out var t)) continue;
            var shape = t.shape;
            if (!shape.SequenceEqual(p.Shape.ToArray().Select(d => (long)d)))
                problems.Add($"'{name}' is [{string.Join(", ", p.Shape.ToArray())}] in ours but [{string.Join(", ", shape)}] in the TorchSharp module");
            pairs.Add((p, t));
        }
        if (problems.Count > 0)
            throw new ArgumentException($"{op}: the modules' parameters do not match by name and shape, nothing was copied: {string.Join("; ", problems)}", nameof(torchModule));
        return pairs;
    }
}
