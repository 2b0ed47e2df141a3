using System.Runtime.ExceptionServices;

namespace Autograd;

// Note [Reentrant backward]
// A custom backward may itself call Backward or Grad.Compute (checkpointing does). Each such call
// runs a whole backward pass on the calling thread, inside the outer one, so a chain of N nested
// passes costs N sets of stack frames: at a depth of a few thousand the default 1 MB stack
// overflows and the process dies. PyTorch bounds the depth per thread and continues deeper passes on
// another thread; so do we: after MaxDepthPerThread nested passes on one thread, the next pass runs
// on a fresh thread (with its own stack) while the caller waits, and exceptions come back to the
// caller unchanged. Grad mode, anomaly mode and tensor scopes follow the flow of control onto the
// new thread (they are AsyncLocal; Thread.Start flows the ExecutionContext). The thread also continues
// the caller's count of backward walks (GradMode.BackwardDepth): a grad-mode scope that an outer
// Backward left open around its nested pass tells GradMode which walk opened it by that count, and on
// a thread counting from zero it would be taken for the fresh thread's own first walk, turning grad
// mode on inside Backwards that PyTorch runs with it off.
internal static class Reentrant
{
    internal const int MaxDepthPerThread = 32;
    private const int FreshThreadStack = 16 << 20;

    [ThreadStatic] private static int _depth;

    internal static bool ShouldMoveToFreshThread => _depth >= MaxDepthPerThread;

    internal static DepthScope Enter()
    {
        _depth++;
        return new DepthScope();
    }

    internal readonly struct DepthScope : IDisposable
    {
        public void Dispose() => _depth--;
    }

    internal static void RunOnFreshThread(Action pass)
    {
        ExceptionDispatchInfo? failure = null;
        int walks = GradMode.BackwardDepth;
        var thread = new Thread(() =>
        {
            GradMode.BackwardDepth = walks;
            try { pass(); }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
        }, FreshThreadStack) { IsBackground = true, Name = "Autograd reentrant backward" };
        thread.Start();
        thread.Join();
        failure?.Throw();
    }
}
