using System.Text.RegularExpressions;

namespace DeepLearningCourse.Tests;

/// <summary>
/// Dependencies in shared/ point one way: from the learner-facing facade (<see cref="Course"/>) down to the data and
/// model layers and the infrastructure below them. These tests read the library's source, so a change that points a
/// dependency back up fails here rather than in a review.
/// </summary>
public sealed class LayeringTests
{
    static string Shared => Path.Combine(RepositoryFolder.Root, "shared");

    /// <summary><c>Course.</c> as a name (not the end of <c>DeepLearningCourse.</c>), or the facade imported statically.</summary>
    static readonly Regex FacadeUse = new(@"(?<![\w])Course\s*\.|using\s+static\s+DeepLearningCourse\.Course\s*;", RegexOptions.Compiled);

    [Theory]
    [InlineData("Data")]
    [InlineData("Models")]
    public void The_layers_below_the_facade_never_read_Course(string folder)
    {
        var files = Directory.GetFiles(Path.Combine(Shared, folder), "*.cs", SearchOption.AllDirectories);
        Assert.True(files.Length >= 5, $"only {files.Length} source files under shared/{folder}");
        var uses = files
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, number: index + 1)))
            .Where(at => FacadeUse.IsMatch(at.line))
            .Select(at => $"{Path.GetRelativePath(Shared, at.file)}:{at.number}: {at.line.Trim()}")
            .ToList();
        Assert.True(uses.Count == 0,
            $"shared/{folder} reads the Course facade; read Infrastructure.CourseSettings (or Data.FastMode for the mode) instead:\n"
            + string.Join("\n", uses));
    }

    [Theory]
    [InlineData("var root = Course.DataRoot;", true)]
    [InlineData("fast: DeepLearningCourse.Course.Mode == CourseMode.Fast", true)]
    [InlineData("using static DeepLearningCourse.Course;", true)]
    [InlineData("namespace DeepLearningCourse.Data;", false)]
    [InlineData("using DeepLearningCourse.Infrastructure;", false)]
    [InlineData("var root = CourseSettings.DataRoot;", false)]
    public void The_scan_tells_the_facade_from_the_namespace(string line, bool facade) =>
        Assert.Equal(facade, FacadeUse.IsMatch(line));
}
