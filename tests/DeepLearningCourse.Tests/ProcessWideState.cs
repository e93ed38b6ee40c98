namespace DeepLearningCourse.Tests;

/// <summary>
/// Tests that depend on torch's global random generator or on process-wide tensor counts. xunit runs
/// other test classes in parallel, and their draws or tensors would change what these measure, so this
/// collection runs on its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideState
{
    public const string Name = "Process-wide torch state";
}
