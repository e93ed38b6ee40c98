using System.Xml.Linq;

namespace NotebookRunner;

/// <summary>Writes results in the Visual Studio TRX format, one test per notebook cell, so CI systems can show them.</summary>
public static class Trx
{
    static readonly XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    const string TestType = "13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b";

    public static void Write(string path, IReadOnlyList<NotebookResult> notebooks)
    {
        var run = Guid.NewGuid();
        var list = Guid.NewGuid();
        var results = new XElement(ns + "Results");
        var definitions = new XElement(ns + "TestDefinitions");
        var entries = new XElement(ns + "TestEntries");
        int passed = 0, failed = 0;

        foreach (var notebook in notebooks)
        {
            // A crashed kernel leaves no cells to report, so the notebook itself becomes the test.
            var tests = notebook.Cells.Count > 0
                ? notebook.Cells.Select(c => (Name: $"{notebook.Name} cell {c.Number}: {c.FirstLine}", Passed: c.Error is null, Message: c.Error, c.Duration))
                : [(Name: notebook.Name, notebook.Passed, Message: notebook.Problem, notebook.Duration)];
            foreach (var test in tests)
            {
                var id = Guid.NewGuid();
                var execution = Guid.NewGuid();
                if (test.Passed) passed++; else failed++;
                var result = new XElement(ns + "UnitTestResult",
                    new XAttribute("executionId", execution), new XAttribute("testId", id), new XAttribute("testName", test.Name),
                    new XAttribute("computerName", Environment.MachineName), new XAttribute("duration", test.Duration.ToString("c")),
                    new XAttribute("testType", TestType), new XAttribute("outcome", test.Passed ? "Passed" : "Failed"),
                    new XAttribute("testListId", list));
                if (test.Message is not null)
                    result.Add(new XElement(ns + "Output", new XElement(ns + "ErrorInfo", new XElement(ns + "Message", test.Message))));
                results.Add(result);
                definitions.Add(new XElement(ns + "UnitTest", new XAttribute("name", test.Name), new XAttribute("id", id),
                    new XElement(ns + "Execution", new XAttribute("id", execution)),
                    new XElement(ns + "TestMethod", new XAttribute("codeBase", notebook.Name), new XAttribute("className", Path.GetFileNameWithoutExtension(notebook.Name)), new XAttribute("name", test.Name))));
                entries.Add(new XElement(ns + "TestEntry", new XAttribute("testId", id), new XAttribute("executionId", execution), new XAttribute("testListId", list)));
            }
        }

        var document = new XDocument(new XElement(ns + "TestRun",
            new XAttribute("id", run), new XAttribute("name", "Course notebooks"),
            results, definitions,
            entries,
            new XElement(ns + "TestLists", new XElement(ns + "TestList", new XAttribute("name", "Notebooks"), new XAttribute("id", list))),
            new XElement(ns + "ResultSummary", new XAttribute("outcome", failed == 0 ? "Completed" : "Failed"),
                new XElement(ns + "Counters", new XAttribute("total", passed + failed), new XAttribute("executed", passed + failed),
                    new XAttribute("passed", passed), new XAttribute("failed", failed)))));
        document.Save(path);
    }
}
