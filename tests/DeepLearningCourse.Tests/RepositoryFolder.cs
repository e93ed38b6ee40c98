using DeepLearningCourse.Infrastructure;

namespace DeepLearningCourse.Tests;

/// <summary>The course repository the tests run from, found above the test binaries by the library's one lookup (<see cref="Repository"/>).</summary>
static class RepositoryFolder
{
    /// <summary>The repository's root folder.</summary>
    public static string Root { get; } = Repository.Find(AppContext.BaseDirectory)
        ?? throw new DirectoryNotFoundException($"No course repository above {AppContext.BaseDirectory}.");
}
