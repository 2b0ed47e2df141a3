// Builds a small graph, prints its tape, the loss and the gradients. See DemoReport.
Console.Write(Autograd.Samples.Demo.DemoReport.Run());
