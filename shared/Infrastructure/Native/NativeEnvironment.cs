using System.Runtime.InteropServices;

namespace DeepLearningCourse.Infrastructure.Native;

/// <summary>
/// The C library's environment, where libtorch and oneDNN read their settings. .NET keeps a copy of its own (for child
/// processes), so <see cref="Environment.SetEnvironmentVariable(string, string)"/> never reaches them.
/// </summary>
static class NativeEnvironment
{
    /// <summary>Sets <paramref name="name"/> unless it is set already; true when the C library accepted it. glibc only.</summary>
    public static bool Set(string name, string value) => SetNativeVariable(name, value, 0) == 0;

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    static extern int SetNativeVariable(string name, string value, int overwrite);
}
