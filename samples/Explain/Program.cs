// Replays the worked examples of the five seed posts with this engine and prints their tables:
//   dotnet run --project samples/Explain -- seed000      (seed000 … seed004, "all"; "list" or nothing: the choices)
using Autograd.Samples.Explain;

if (args.Length == 0 || args[0] is "list" or "--list" or "-h" or "--help")
{
    Console.Write(Seeds.List());
    return 0;
}
if (args[0] == "all")
{
    foreach (var s in Seeds.All) Console.Write(s.Replay() + "\n");
    return 0;
}
var seed = Seeds.Find(args[0]);
if (seed is null)
{
    Console.Error.Write($"Explain: unknown seed '{args[0]}'.\n{Seeds.List()}");
    return 2;
}
Console.Write(seed.Replay().ToString());
return 0;
