namespace DeepLearningCourse.Data;

/// <summary>
/// A data file that cannot be used as it is: truncated, a wrong magic number, counts that disagree,
/// an undecodable image, a wrong checksum. The message names the file and the problem.
/// </summary>
public sealed class DataFormatException(string filePath, string problem, Exception? inner = null)
    : IOException($"{filePath}: {problem}", inner)
{
    /// <summary>The file that is wrong.</summary>
    public string FilePath { get; } = filePath;

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Problem { get; } = problem;
}
