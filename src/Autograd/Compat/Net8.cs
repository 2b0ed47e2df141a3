// Note [net8.0 target] (docs/packaging.md): the packages also target net8.0. What .NET 8 lacks is filled
// here, in one place, instead of #if in the code that uses it.
#if !NET9_0_OR_GREATER
// System.Threading.Lock is .NET 9+; a plain object is the monitor lock it replaces.
global using Lock = object;
#endif
