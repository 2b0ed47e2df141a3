namespace Autograd;

/// <summary>Per-thread switch for recording ops (torch.is_grad_enabled).</summary>
internal static class GradMode
{
    [ThreadStatic] private static bool _disabled;

    internal static bool IsEnabled => !_disabled;

    internal static IDisposable Set(bool enabled)
    {
        var restore = new Restore(_disabled);
        _disabled = !enabled;
        return restore;
    }

    private sealed class Restore(bool previous) : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _disabled = previous;
        }
    }
}
