using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace SpecializedConv.Tests.Packaging;

/// <summary>
/// "One <c>dotnet add package</c>": <c>dotnet pack src/SpecializedConv</c> makes a package holding the runtime and,
/// as analyzers, the generator and its code fixes, with nothing of Roslyn among its dependencies; and a brand-new
/// console project that adds it from a folder feed, exactly as a newcomer would, gets working generated layers.
/// No project reference anywhere on that path.
/// </summary>
/// <remarks>
/// These tests run the real CLI (pack, new, add package, build, run): about a minute, each step with a time limit
/// that fails the test naming the step. They are skipped in CI's second and third runs (<see cref="PackageFactAttribute"/>).
/// </remarks>
public sealed class PackageTests : IClassFixture<PackageTests.PackedPackage>
{
    private const string PackageId = "SpecializedConv";

    private readonly PackedPackage package;

    public PackageTests(PackedPackage package) => this.package = package;

    [PackageFact]
    public void The_package_holds_the_runtime_the_generator_and_the_readme_and_no_roslyn_dependency()
    {
        using ZipArchive archive = ZipFile.OpenRead(package.Value.NupkgPath);
        string[] entries = archive.Entries.Select(entry => entry.FullName).ToArray();
        string listing = string.Join(Environment.NewLine, entries);

        Assert.True(entries.Contains("lib/net10.0/SpecializedConv.dll"), listing);
        Assert.True(entries.Contains("lib/net10.0/SpecializedConv.xml"), "XML documentation is missing:" + Environment.NewLine + listing);
        Assert.True(entries.Contains("analyzers/dotnet/cs/SpecializedConv.Generators.dll"), listing);
        Assert.True(entries.Contains("analyzers/dotnet/cs/SpecializedConv.CodeFixes.dll"), listing);
        Assert.True(entries.Contains("README.md"), listing);
        Assert.True(entries.Contains("LICENSE"), listing);

        // The generator is a compiler plug-in, not a library the consumer's code links to.
        Assert.DoesNotContain(entries, entry => entry.StartsWith("lib/", StringComparison.Ordinal) && entry.Contains("Generators", StringComparison.Ordinal));

        ZipArchiveEntry nuspecEntry = archive.GetEntry(PackageId + ".nuspec") ?? throw new InvalidOperationException("No nuspec in:" + Environment.NewLine + listing);
        using Stream nuspecStream = nuspecEntry.Open();
        XDocument nuspec = XDocument.Load(nuspecStream);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        XElement metadata = nuspec.Root.Element(ns + "metadata")!;
        string nuspecText = nuspec.ToString();

        Assert.Equal(PackageId, metadata.Element(ns + "id")?.Value);
        Assert.Equal(package.Value.Version, metadata.Element(ns + "version")?.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.NotNull(metadata.Element(ns + "repository")?.Attribute("url"));

        // The generator's and the code fixes' Roslyn references are PrivateAssets="all": a consumer must not get them.
        string[] dependencies = metadata.Descendants(ns + "dependency").Select(d => (string?)d.Attribute("id") ?? string.Empty).ToArray();
        Assert.True(
            !dependencies.Any(id => id.StartsWith("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase) || id.StartsWith("SpecializedConv", StringComparison.OrdinalIgnoreCase)),
            "The package depends on " + string.Join(", ", dependencies) + ":" + Environment.NewLine + nuspecText);

        Assert.True(File.Exists(Path.ChangeExtension(package.Value.NupkgPath, ".snupkg")), "No symbols package beside " + package.Value.NupkgPath);
    }

    [PackageFact]
    public void A_new_console_project_gets_a_working_layer_from_dotnet_add_package()
    {
        string root = package.Value.WorkDirectory;
        string app = Path.Combine(root, "Consumer");
        var isolated = new Dictionary<string, string?>
        {
            // A package folder of its own, so that this run installs the package it just packed, never a cached one.
            ["NUGET_PACKAGES"] = Path.Combine(root, "nuget-packages"),
        };

        // The folder feed next to nuget.org, the source a machine has by default; SpecializedConv is taken from the
        // folder only, so that a package of the same name and version on nuget.org can never stand in for it.
        File.WriteAllText(Path.Combine(root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{package.Value.FeedDirectory}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local">
                  <package pattern="{PackageId}" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);

        // Keeps MSBuild from importing a Directory.Build.* or Directory.Packages.props of a folder above the temp folder.
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(root, name), "<Project />\n");
        }

        _ = DotnetCommand.Run(root, TimeSpan.FromMinutes(2), isolated, "new", "console", "--name", "Consumer", "--output", app, "--framework", "net10.0", "--no-restore");
        _ = DotnetCommand.Run(
            app, TimeSpan.FromMinutes(2), isolated,
            "add", "package", PackageId, "--version", package.Value.Version, "--source", package.Value.FeedDirectory);

        string projectFile = File.ReadAllText(Path.Combine(app, "Consumer.csproj"));
        Assert.Contains($"<PackageReference Include=\"{PackageId}\" Version=\"{package.Value.Version}\" />", projectFile, StringComparison.Ordinal);
        Assert.DoesNotContain("ProjectReference", projectFile, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using System;
            using System.Globalization;
            using SpecializedConv;

            // A 5×5 image holding 1…25 row by row, one 3×3 filter holding 1…9 and a bias of 0.5: every product and sum
            // is an integer plus 0.5, exact in float, so the printed value can be checked exactly.
            float[] input = new float[Blur.InputLength];
            float[] weights = new float[Blur.WeightLength];
            float[] bias = { 0.5f };
            float[] output = new float[Blur.OutputLength];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = i + 1;
            }

            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = i + 1;
            }

            Blur.Forward(input, weights, bias, output);
            Console.WriteLine(Blur.Shape);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"output[1,1] = {output[(1 * Blur.OutWidth) + 1]}"));

            [Conv2D(1, 5, 5, 1, 3)]
            public partial class Blur;
            """);

        string build = DotnetCommand.Run(app, TimeSpan.FromMinutes(3), isolated, "build", "-c", "Release", "--disable-build-servers");

        // A generator or code-fix assembly the compiler cannot load shows up as a warning (CS8032, CS9057), not an error.
        Assert.True(!Regex.IsMatch(build, @"warning (CS|AD)\d+"), "The consumer's build has compiler warnings:" + Environment.NewLine + build);

        // Roslyn is nowhere in the consumer's restore graph, and the generator is not copied next to the program.
        string assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        Assert.DoesNotContain("Microsoft.CodeAnalysis", assets, StringComparison.OrdinalIgnoreCase);
        string binary = Path.Combine(app, "bin", "Release", "net10.0");
        Assert.True(File.Exists(Path.Combine(binary, "SpecializedConv.dll")), "SpecializedConv.dll is not in " + binary);
        Assert.False(File.Exists(Path.Combine(binary, "SpecializedConv.Generators.dll")), "The generator was copied to the output, as if it were a runtime dependency.");

        string run = DotnetCommand.Run(app, TimeSpan.FromMinutes(1), isolated, "exec", Path.Combine(binary, "Consumer.dll"));

        // output[1,1] = 0.5 + Σ_r Σ_s (3r + s + 1)·(5(1 + r) + (1 + s) + 1) over r, s in 0..2 = 681.5 (valid cross-correlation).
        Assert.Contains("output[1,1] = 681.5", run, StringComparison.Ordinal);
    }

    /// <summary>
    /// A fact that runs only in CI's first run. The second and third runs (DOTNET_EnableAVX2=0,
    /// DOTNET_EnableHWIntrinsic=0) exist to send the layers down the JIT's fallback paths; packaging does not depend on
    /// the JIT, so repeating a minute of pack and build there would test nothing new. (Those runs also use
    /// <c>--no-build</c>, while packing builds.)
    /// </summary>
    public sealed class PackageFactAttribute : FactAttribute
    {
        public PackageFactAttribute()
        {
            foreach (string variable in new[] { "DOTNET_EnableAVX2", "DOTNET_EnableHWIntrinsic" })
            {
                if (Environment.GetEnvironmentVariable(variable) == "0")
                {
                    Skip = $"{variable}=0: the package tests run only in the run with the default JIT settings.";
                }
            }
        }
    }

    /// <summary>
    /// Packs src/SpecializedConv once for the class, on first use (so that skipped tests pack nothing), into a
    /// temporary folder that is deleted afterwards.
    /// </summary>
    public sealed class PackedPackage : IDisposable
    {
        private readonly Lazy<Packed> packed = new(Pack);

        public Packed Value => packed.Value;

        public void Dispose()
        {
            if (packed.IsValueCreated)
            {
                try
                {
                    Directory.Delete(packed.Value.WorkDirectory, recursive: true);
                }
                catch (IOException)
                {
                    // A process still holding a file: the folder is in the temp directory, which is cleaned eventually.
                }
            }
        }

        private static Packed Pack()
        {
            string repository = RepositoryRoot();
            string work = Path.Combine(Path.GetTempPath(), "SpecializedConv.PackageTests." + Guid.NewGuid().ToString("N")[..8]);
            string feed = Path.Combine(work, "feed");
            _ = Directory.CreateDirectory(feed);

            // The README's command, into the folder feed. It restores and builds with the machine's usual package folder.
            _ = DotnetCommand.Run(
                repository, TimeSpan.FromMinutes(3), new Dictionary<string, string?>(),
                "pack", Path.Combine("src", "SpecializedConv", "SpecializedConv.csproj"), "-c", "Release", "-o", feed, "--disable-build-servers");

            string[] packages = Directory.GetFiles(feed, PackageId + ".*.nupkg");
            string nupkg = Assert.Single(packages);
            Match version = Regex.Match(Path.GetFileName(nupkg), @"^SpecializedConv\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.nupkg$");
            Assert.True(version.Success, "Unexpected package name " + nupkg);
            return new Packed(work, feed, nupkg, version.Groups[1].Value);
        }

        private static string RepositoryRoot()
        {
            for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "SpecializedConv.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("No SpecializedConv.sln above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Where the package is: the work folder, the feed folder in it, the .nupkg and its version.</summary>
    public sealed record Packed(string WorkDirectory, string FeedDirectory, string NupkgPath, string Version);
}
