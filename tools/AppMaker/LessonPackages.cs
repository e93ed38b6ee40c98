using System.Diagnostics;
using System.Text.Json.Nodes;

namespace AppMaker;

/// <summary>
/// The assemblies of the packages a lesson references itself (<c>#r "nuget: …"</c> in a cell, beyond Course.dib's), so
/// that its cells bind as they do in the notebook. They are restored as any project's are, into a throwaway project.
/// </summary>
static class LessonPackages
{
    /// <summary>The compile-time assemblies of <paramref name="packages"/> and of what they depend on.</summary>
    /// <exception cref="InvalidDataException">The packages could not be restored; the message says what dotnet restore said.</exception>
    public static IReadOnlyList<string> Assemblies(IReadOnlyList<Package> packages)
    {
        if (packages.Count == 0) return [];
        var folder = Directory.CreateTempSubdirectory("make-apps-");
        try
        {
            var references = string.Concat(packages.Select(p => $"""<PackageReference Include="{p.Name}" Version="{p.Version}" />"""));
            File.WriteAllText(Path.Combine(folder.FullName, "Packages.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
                  <ItemGroup>{references}</ItemGroup>
                </Project>
                """);
            var restore = new ProcessStartInfo("dotnet", ["restore", "--nologo", "-v", "quiet"]) { WorkingDirectory = folder.FullName, RedirectStandardOutput = true, RedirectStandardError = true };
            using (var process = Process.Start(restore)!)
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                    throw new InvalidDataException($"restoring {string.Join(", ", packages.Select(p => $"{p.Name} {p.Version}"))} failed: {output.Result}{error}".Trim());
            }
            var assets = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.FullName, "obj", "project.assets.json")))!;
            var root = assets["packageFolders"]!.AsObject().First().Key;
            var libraries = assets["libraries"]!.AsObject();
            return assets["targets"]!.AsObject().First().Value!.AsObject()
                .Where(package => (string?)package.Value!["type"] == "package")
                .SelectMany(package => (package.Value!["compile"] as JsonObject ?? []).Select(file => file.Key)
                    .Where(file => file.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                    .Select(file => Path.Combine(root, (string)libraries[package.Key]!["path"]!, file)))
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
