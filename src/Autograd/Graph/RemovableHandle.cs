namespace Autograd;

/// <summary>Removes the hook it was returned for (torch.utils.hooks.RemovableHandle); Dispose does the same.</summary>
public sealed class RemovableHandle : IDisposable
{
    private Action? _remove;

    internal RemovableHandle(Action remove) => _remove = remove;

    /// <summary>Removes the hook; later calls do nothing.</summary>
    public void Remove() => Interlocked.Exchange(ref _remove, null)?.Invoke();

    /// <summary>Removes the hook (same as <see cref="Remove"/>), so <c>using var h = t.RegisterHook(...)</c> scopes it.</summary>
    public void Dispose() => Remove();
}
