using System.Runtime.InteropServices;

namespace DeepLearningCourse.Infrastructure;

/// <summary>Libtorch's errors, which TorchSharp passes on as an <see cref="ExternalException"/> with the C++ stack trace appended.</summary>
static class NativeErrors
{
    /// <summary>What libtorch said, without the stack trace: the part a learner can act on.</summary>
    public static string Reason(ExternalException error)
    {
        var message = error.Message;
        var trace = message.IndexOf("Exception raised from", StringComparison.Ordinal);
        return string.Join(' ', (trace < 0 ? message : message[..trace]).Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
