using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace DeepLearningCourse.Infrastructure.Native;

/// <summary>A system library that a NuGet package's native code needs, and the operating system package that installs it.</summary>
public sealed record SystemLibrary(string FileName, string Package);

/// <summary>
/// A native library a lesson needs cannot load because the system lacks a library it depends on. Its message
/// is the whole story (what is missing and which package installs it), so the notebook shows only that sentence.
/// </summary>
public sealed class MissingSystemLibraryException(string message) : Exception(message)
{
    /// <summary>The message alone: what the notebook shows of the failed cell, with no stack trace (it would only point into this check).</summary>
    public override string ToString() => Message;

    /// <summary>None: a notebook prints an exception's stack trace under its message, and here the message is all there is to know.</summary>
    public override string? StackTrace => null;
}

/// <summary>
/// Checks, before a package's native code is first called, that the system libraries it depends on are
/// present, so a missing one is reported as one sentence naming the package to install instead of the
/// loader's list of every path it tried.
/// </summary>
public static class SystemLibraries
{
    /// <summary>What OpenCvSharp4's official Linux runtime (<c>libOpenCvSharpExtern.so</c>) needs beyond a base Debian or Ubuntu system.</summary>
    public static IReadOnlyList<SystemLibrary> OpenCvOnLinux { get; } =
    [
        new("libgtk-3.so.0", "libgtk-3-0"),
        new("libgdk-3.so.0", "libgtk-3-0"),
    ];

    /// <summary>
    /// Throws <see cref="MissingSystemLibraryException"/> naming the first of <paramref name="libraries"/> that cannot be
    /// loaded and the package that installs it; <paramref name="neededBy"/> says who needs it. Does nothing on
    /// systems other than Linux, where these packages bring their own dependencies.
    /// </summary>
    public static void Require(string neededBy, IEnumerable<SystemLibrary> libraries)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
        foreach (var library in libraries)
        {
            if (!NativeLibrary.TryLoad(library.FileName, out var handle))
                throw new MissingSystemLibraryException(
                    $"{neededBy} needs the system library {library.FileName}, which this machine lacks: install the package " +
                    $"{library.Package} (on Debian or Ubuntu: sudo apt-get install {library.Package}), then restart the notebook's kernel.");
            NativeLibrary.Free(handle);
        }
    }

    /// <summary>
    /// Checks OpenCV's system libraries when OpenCvSharp first binds its native library, so that no lesson calls a
    /// check: <see cref="Course.Setup"/> installs it. A missing one then fails the first OpenCV call with
    /// <see cref="Require"/>'s sentence (inside the <see cref="TypeInitializationException"/> OpenCvSharp wraps it in).
    /// </summary>
    internal static void CheckOpenCvWhenLoaded() =>
        CheckWhenLoaded("OpenCvSharp", "OpenCvSharpExtern", "OpenCV's native library", OpenCvOnLinux);

    static readonly ConcurrentDictionary<string, bool> watched = new();

    /// <summary>
    /// Runs <see cref="Require"/> each time the managed assembly <paramref name="assemblyName"/> binds its native library
    /// <paramref name="nativeName"/>, whether the assembly is loaded already or later; the loader then goes on as usual.
    /// </summary>
    internal static void CheckWhenLoaded(string assemblyName, string nativeName, string neededBy, IReadOnlyList<SystemLibrary> libraries)
    {
        if (!watched.TryAdd(assemblyName, true)) return;
        void Watch(Assembly assembly)
        {
            if (assembly.GetName().Name != assemblyName) return;
            try
            {
                NativeLibrary.SetDllImportResolver(assembly, (name, _, _) => Resolve(name, nativeName, neededBy, libraries));
            }
            catch (InvalidOperationException)
            {
                // Set already: by an earlier sighting of the same assembly, or by the package itself, whose loader then decides.
            }
        }
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) => Watch(e.LoadedAssembly);
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies()) Watch(assembly);
    }

    /// <summary>The resolver <see cref="CheckWhenLoaded"/> installs: the check for <paramref name="nativeName"/>, then the loader's own search (<see cref="IntPtr.Zero"/>).</summary>
    internal static IntPtr Resolve(string libraryName, string nativeName, string neededBy, IReadOnlyList<SystemLibrary> libraries)
    {
        if (libraryName == nativeName) Require(neededBy, libraries);
        return IntPtr.Zero;
    }
}
