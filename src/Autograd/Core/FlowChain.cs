namespace Autograd;

// Note [Flow chains]
// Grad-mode scopes (Grad.NoGrad/EnableGrad) and tensor scopes are both stacks that follow the flow of
// control (Note [Grad mode across await]): an AsyncLocal holds the innermost scope, each scope links to
// the one it replaced, the scope in effect is the innermost one not yet ended (a scope ended from a
// child task is over for its creator's flow too), and only that one may end: ending another throws
// and changes nothing. The chain logic is written once, here.

/// <summary>A scope in a <see cref="FlowChain"/>: the scope it replaced, and whether it has ended.</summary>
internal interface IFlowLink<T> where T : class, IFlowLink<T>
{
    T? Outer { get; }
    bool Ended { get; }
}

internal static class FlowChain
{
    /// <summary>The innermost scope of the chain starting at <paramref name="link"/> that has not ended (null: none).</summary>
    public static T? Active<T>(T? link) where T : class, IFlowLink<T>
    {
        while (link is { Ended: true }) link = link.Outer;
        return link;
    }

    /// <summary>Whether <paramref name="inner"/> was begun inside <paramref name="outer"/>.</summary>
    public static bool Encloses<T>(T outer, T? inner) where T : class, IFlowLink<T>
    {
        for (var s = inner?.Outer; s is not null; s = s.Outer)
            if (ReferenceEquals(s, outer)) return true;
        return false;
    }

    /// <summary>
    /// Ends <paramref name="link"/> in <paramref name="current"/>'s flow: it must be the active scope,
    /// else <paramref name="refuse"/>(the active one, whether it lies inside <paramref name="link"/>)
    /// is thrown and nothing changes. <paramref name="markEnded"/> marks it ended before the chain moves on.
    /// </summary>
    public static void End<T>(AsyncLocal<T?> current, T link, Action markEnded, Func<T?, bool, Exception> refuse)
        where T : class, IFlowLink<T>
    {
        var active = Active(current.Value);
        if (!ReferenceEquals(active, link)) throw refuse(active, Encloses(link, active));
        markEnded();
        current.Value = Active(link.Outer);
    }
}
