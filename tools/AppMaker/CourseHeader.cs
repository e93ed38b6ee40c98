using System.Text.RegularExpressions;

namespace AppMaker;

/// <summary>
/// What <c>shared/Course.dib</c> gives every notebook, read from it so that an app gets the same: the NuGet packages
/// (its <c>#r "nuget: …"</c> lines, which become <c>#:package</c> directives) and the names every lesson uses
/// (its <c>using</c> lines).
/// </summary>
public sealed partial record CourseHeader(IReadOnlyList<Package> Packages, IReadOnlyList<string> Usings)
{
    /// <summary>Reads <paramref name="dibPath"/>.</summary>
    /// <exception cref="InvalidDataException">It references no package or imports no name; the message names the file.</exception>
    public static CourseHeader Read(string dibPath)
    {
        var lines = File.ReadAllLines(dibPath);
        var packages = lines.Select(l => Package.FromReference(l.Trim())).OfType<Package>().ToList();
        var usings = lines.Where(l => UsingLine().IsMatch(l)).Select(l => l.Trim()).ToList();
        if (packages.Count == 0 || usings.Count == 0)
            throw new InvalidDataException($"{dibPath}: expected #r \"nuget: …\" lines and using lines, found {packages.Count} and {usings.Count}.");
        return new CourseHeader(packages, usings);
    }

    [GeneratedRegex(@"^using [^(]+;\s*$")]
    private static partial Regex UsingLine();
}

/// <summary>A NuGet package at one version.</summary>
public sealed partial record Package(string Name, string Version)
{
    /// <summary>The package a notebook line <c>#r "nuget: Name, Version"</c> references, or null for any other line.</summary>
    public static Package? FromReference(string line) =>
        NugetReference().Match(line) is { Success: true } m ? new Package(m.Groups[1].Value, m.Groups[2].Value) : null;

    /// <summary>The file-based app directive that references it.</summary>
    public string Directive => $"#:package {Name}@{Version}";

    [GeneratedRegex(@"^#r\s+""nuget:\s*([^,""\s]+)\s*,\s*([^""\s]+)\s*""\s*$")]
    private static partial Regex NugetReference();
}
