namespace Autograd;

/// <summary>An ordered list of hooks that may be removed (even while the engine iterates it).</summary>
internal sealed class HookList<T> where T : class
{
    private readonly List<(int Id, int Key, T Hook)> _items = [];
    private int _next;

    /// <summary>Adds a hook; its handle removes this registration (by id: the same delegate may be registered twice).</summary>
    internal RemovableHandle Add(int key, T hook)
    {
        int id;
        lock (_items) { id = _next++; _items.Add((id, key, hook)); }
        return new RemovableHandle(() => { lock (_items) _items.RemoveAll(e => e.Id == id); });
    }

    /// <summary>The hooks registered for <paramref name="key"/>, in registration order (a snapshot).</summary>
    internal T[] For(int key)
    {
        lock (_items) return _items.Where(e => e.Key == key).Select(e => e.Hook).ToArray();
    }

    internal bool IsEmpty { get { lock (_items) return _items.Count == 0; } }
}
