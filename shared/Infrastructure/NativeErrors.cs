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

    /// <summary>
    /// Runs <paramref name="step"/>; a libtorch error from it comes out as an <see cref="InvalidOperationException"/>
    /// in one sentence, <paramref name="what"/> failed followed by libtorch's <see cref="Reason"/>, the original inside.
    /// </summary>
    public static T Explained<T>(Func<T> step, Func<string> what)
    {
        try { return step(); }
        catch (ExternalException e) { throw new InvalidOperationException($"{what()}: {Reason(e)}", e); }
    }
}
