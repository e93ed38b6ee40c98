using TorchSharp;

namespace DeepLearningCourse.Tests;

[Collection(ProcessWideState.Name)]
public class CourseTests
{
    [Fact]
    public void Chooses_the_cpu_here_prints_the_choice_and_seeds_torch()
    {
        var log = new StringWriter();
        var device = Course.ChooseDevice(seed: 7, log);
        var first = torch.rand(5).data<float>().ToArray();
        Course.ChooseDevice(seed: 7, TextWriter.Null);
        var second = torch.rand(5).data<float>().ToArray();

        Assert.Equal(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, device.type);
        Assert.Same(device, Course.Device);
        Assert.Equal(first, second);
        Assert.Equal(7, Course.Seed);
        var line = log.ToString();
        Assert.Contains(device.type == DeviceType.CUDA ? "CUDA" : "CPU", line);
        Assert.Contains("TorchSharp 0.107.0", line);
        Assert.Contains("libtorch 2.10.0", line);
        Assert.Contains($"{torch.get_num_threads()} threads", line);
        Assert.Contains("mode", line);
    }

    [Fact]
    public void Lists_the_cpu_first_then_every_gpu()
    {
        TorchFixture.Ensure();
        var devices = Course.AvailableDevices();

        Assert.Equal(DeviceType.CPU, devices[0].type);
        Assert.Equal(torch.cuda.is_available() ? 1 + torch.cuda.device_count() : 1, devices.Count);
        Assert.All(devices.Skip(1), device => Assert.Equal(DeviceType.CUDA, device.type));
    }

    [Fact]
    public void Finds_the_repository_data_folder()
    {
        var root = Course.DataRoot;
        Assert.Equal("data", Path.GetFileName(root));
        Assert.True(File.Exists(Path.Combine(root, "..", "shared", "DeepLearningCourse.csproj")));
    }

    [Theory]
    [InlineData(null, CourseMode.Full)]
    [InlineData("", CourseMode.Full)]
    [InlineData("full", CourseMode.Full)]
    [InlineData("fast", CourseMode.Fast)]
    [InlineData(" FAST ", CourseMode.Fast)]
    public void Reads_the_mode_variable(string? value, CourseMode expected) =>
        Assert.Equal(expected, Course.ParseMode(value));

    [Fact]
    public void A_mistyped_mode_is_an_error_not_a_silent_full_run()
    {
        var error = Assert.Throws<ArgumentException>(() => Course.ParseMode("fats"));
        Assert.Contains("COURSE_MODE", error.Message);
    }
}
