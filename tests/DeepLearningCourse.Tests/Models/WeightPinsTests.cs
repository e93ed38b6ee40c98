using System.Text.RegularExpressions;
using DeepLearningCourse.Models;

namespace DeepLearningCourse.Tests.Models;

/// <summary>
/// The offline backbone's files are pinned twice: by tools/fetch-weights, a shell script that cannot read C#,
/// and by the library, which checks them before use. The two lists must name the same files with the same sums.
/// </summary>
public sealed class WeightPinsTests
{
    [Fact]
    public void Fetch_weights_pins_the_sums_the_library_checks()
    {
        var script = File.ReadAllText(Path.Combine(RepositoryFolder.Root, "tools", "fetch-weights"));
        var pins = Regex.Matches(script, @"^\s*""(\S+\.onnx) \S+ ([0-9a-f]{64})""\s*$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var library = new Dictionary<string, string>
        {
            [DnnImageFeaturizer.ModelFile] = DnnImageFeaturizer.ModelSha256,
            [DnnImageFeaturizer.PreprocessFile] = DnnImageFeaturizer.PreprocessSha256,
        };
        Assert.Equal(library.OrderBy(p => p.Key), pins.OrderBy(p => p.Key));
    }
}
