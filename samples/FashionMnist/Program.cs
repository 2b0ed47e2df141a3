Console.WriteLine("Fashion-MNIST sample: not yet implemented");
