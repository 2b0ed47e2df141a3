namespace Autograd;

// Note [Ready queue]
// PyTorch's engine keeps ready nodes in a std::priority_queue ordered by sequence number, with
// AccumulateGrad given the largest. Several ready leaves have equal priority, and then the order is
// whatever libstdc++'s binary heap produces (six leaves pushed 1..6 come out 1, 3, 6, 5, 2, 4). To
// list and run nodes in exactly PyTorch's order, this queue is that heap: the same push_heap /
// pop_heap steps (__push_heap, __adjust_heap) with the same comparator.
internal sealed class ReadyQueue
{
    private readonly List<Node> _heap = [];

    internal int Count => _heap.Count;

    /// <summary>std::priority_queue::push.</summary>
    internal void Push(Node node)
    {
        _heap.Add(node);
        PushHeap(_heap.Count - 1, 0, node);
    }

    /// <summary>std::priority_queue::top followed by pop.</summary>
    internal Node Pop()
    {
        var top = _heap[0];
        int last = _heap.Count - 1;
        if (last > 0)
        {
            var value = _heap[last];
            _heap[last] = top;
            AdjustHeap(0, last, value);
        }
        _heap.RemoveAt(last);
        return top;
    }

    /// <summary>CompareNodeTaskTime: true when <paramref name="a"/> runs after <paramref name="b"/>.</summary>
    private static bool Less(Node a, Node b) => Key(a) < Key(b);

    private static long Key(Node n) => n is AccumulateGrad ? long.MaxValue : n.Sequence;

    private void PushHeap(int hole, int top, Node value)
    {
        int parent = (hole - 1) / 2;
        while (hole > top && Less(_heap[parent], value))
        {
            _heap[hole] = _heap[parent];
            hole = parent;
            parent = (hole - 1) / 2;
        }
        _heap[hole] = value;
    }

    private void AdjustHeap(int hole, int len, Node value)
    {
        int top = hole, child = hole;
        while (child < (len - 1) / 2)
        {
            child = 2 * (child + 1);
            if (Less(_heap[child], _heap[child - 1])) child--;
            _heap[hole] = _heap[child];
            hole = child;
        }
        if ((len & 1) == 0 && child == (len - 2) / 2)
        {
            child = 2 * (child + 1);
            _heap[hole] = _heap[child - 1];
            hole = child - 1;
        }
        PushHeap(hole, top, value);
    }
}
