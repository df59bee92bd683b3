using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using SpecializedConv.Networks;
using SpecializedConv.Tests.Packaging;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>Layers of the network the child process saves over and over (4 MB of weights, so saves take a while).</summary>
[Dense(1024, 1024)]
public partial class KilledSaveLayer;

/// <summary>
/// A process killed in the middle of saving must leave the previous weights file whole: a child process saves
/// networks in a loop and is killed at several moments; the file must then load, with a valid checksum, as one of the
/// saved networks.
/// </summary>
public sealed class KilledSaveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("specializedconv-killed-save-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Runs only with the default JIT settings: building the child takes time and does not depend on the JIT.</summary>
    public sealed class FirstRunFactAttribute : FactAttribute
    {
        public FirstRunFactAttribute()
        {
            foreach (string variable in new[] { "DOTNET_EnableAVX2", "DOTNET_EnableHWIntrinsic" })
            {
                if (Environment.GetEnvironmentVariable(variable) == "0")
                {
                    Skip = $"{variable}=0: the killed-save test runs only in the run with the default JIT settings.";
                }
            }
        }
    }

    [FirstRunFact]
    public void Killing_a_process_mid_save_leaves_the_previous_file_loadable()
    {
        string child = Path.Combine(_folder, "child");
        Directory.CreateDirectory(child);
        string repository = RepositoryRoot();
        File.WriteAllText(Path.Combine(child, "Child.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{repository}/src/SpecializedConv/SpecializedConv.csproj" />
                <ProjectReference Include="{repository}/generators/SpecializedConv.Generators/SpecializedConv.Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(child, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(child, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(child, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(child, "Program.cs"), """
            using SpecializedConv;
            using SpecializedConv.Networks;
            // Saves a network to args[0] again and again, with a new seed each time, and says which seed is on disk.
            using SequentialNetwork network = new NetworkBuilder().Dense<KilledSaveLayer>("dense").Build();
            for (int seed = 1; ; seed++)
            {
                network.Initialize(WeightInitialization.He, seed);
                network.Save(args[0]);
                Console.WriteLine($"saved {seed}");
            }

            [Dense(1024, 1024)]
            public partial class KilledSaveLayer;
            """);
        DotnetCommand.Run(child, TimeSpan.FromMinutes(5), new Dictionary<string, string?>(), "build", "-c", "Release", "-o", Path.Combine(child, "out"));

        string weights = Path.Combine(_folder, "model.weights");
        var expected = new Dictionary<int, float[]>();
        using SequentialNetwork reference = new NetworkBuilder().Dense<KilledSaveLayer>("dense").Build();
        foreach (int delayMilliseconds in new[] { 0, 7, 23, 61 })
        {
            int lastSaved = RunAndKill(Path.Combine(child, "out", "Child.dll"), weights, delayMilliseconds);

            // The file on disk is one whole save: it loads (header, shapes and checksum valid) and equals a saved seed.
            using SequentialNetwork loaded = new NetworkBuilder().Dense<KilledSaveLayer>("dense").Build();
            loaded.Load(weights);
            bool matches = false;
            for (int seed = lastSaved; seed <= lastSaved + 1 && !matches; seed++)
            {
                if (!expected.TryGetValue(seed, out float[]? parameters))
                {
                    reference.Initialize(WeightInitialization.He, seed);
                    parameters = expected[seed] = reference.Parameters.ToArray();
                }

                matches = parameters.AsSpan().SequenceEqual(loaded.Parameters);
            }

            Assert.True(matches, $"After a kill {delayMilliseconds} ms past save {lastSaved}, the file holds neither save {lastSaved} nor {lastSaved + 1}.");
        }
    }

    /// <summary>Starts the child, waits for its second finished save plus <paramref name="delayMilliseconds"/>, kills it; returns the last save it reported.</summary>
    private static int RunAndKill(string childAssembly, string weights, int delayMilliseconds)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(childAssembly);
        start.ArgumentList.Add(weights);
        using Process process = Process.Start(start)!;
        int lastSaved = 0;
        var watch = Stopwatch.StartNew();
        while (lastSaved < 2)
        {
            string? line = process.StandardOutput.ReadLine();
            Assert.True(line is not null && watch.Elapsed < TimeSpan.FromMinutes(2), "The child process stopped before saving twice.");
            lastSaved = int.Parse(line!.AsSpan("saved ".Length), System.Globalization.CultureInfo.InvariantCulture);
        }

        System.Threading.Thread.Sleep(delayMilliseconds);
        process.Kill(entireProcessTree: true);
        process.WaitForExit();

        // Saves reported after the wait finished before the kill: read what the child managed to say.
        string rest = process.StandardOutput.ReadToEnd();
        foreach (string line in rest.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            lastSaved = int.Parse(line.AsSpan("saved ".Length), System.Globalization.CultureInfo.InvariantCulture);
        }

        return lastSaved;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SpecializedConv.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("No SpecializedConv.sln above " + AppContext.BaseDirectory);
    }
}
