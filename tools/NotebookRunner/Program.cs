namespace NotebookRunner;

public static class Program
{
    public static int Main(string[] args) => Runner.Run(args, Console.Out);
}
