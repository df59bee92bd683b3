using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace SpecializedConv.Tests.Packaging;

/// <summary>
/// Runs the <c>dotnet</c> CLI the tests run on, as a user would from a shell: output captured for the failure
/// message, a time limit after which the whole process tree is killed and the test fails saying which step hung.
/// </summary>
internal static class DotnetCommand
{
    /// <summary>
    /// Variables that the test host inherits from the <c>dotnet test</c> that started it and that would steer a
    /// nested build into the outer one's MSBuild (or make it skip steps): a user's shell has none of them.
    /// </summary>
    private static readonly string[] InheritedBuildVariables =
    {
        "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly",
        "MSBUILDNOINPROCNODE", "VSTEST_HOST_DEBUG", "VSTEST_RUNNER_DEBUG",
    };

    /// <summary>The <c>dotnet</c> executable of the SDK running the tests (the SDK sets DOTNET_HOST_PATH for its children).</summary>
    private static string Executable
    {
        get
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host))
            {
                return host;
            }

            string? process = Environment.ProcessPath;
            return process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
        }
    }

    /// <summary>
    /// Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="workingDirectory"/> and returns its output;
    /// throws with the command, the exit code (or the time limit) and the output when it fails or takes too long.
    /// </summary>
    /// <param name="environment">Variables to set (a null value removes the variable).</param>
    public static string Run(
        string workingDirectory, TimeSpan timeLimit, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string name in InheritedBuildVariables)
        {
            _ = start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        // No MSBuild node or compiler server may outlive the command and keep the test run's output open.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        foreach ((string name, string? value) in environment)
        {
            if (value is null)
            {
                _ = start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        string command = "dotnet " + string.Join(' ', arguments);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        var clock = Stopwatch.StartNew();
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start '{command}'.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeLimit))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended between the wait and the kill.
            }

            _ = process.WaitForExit(TimeSpan.FromSeconds(10));
            throw new TimeoutException(
                $"'{command}' in {workingDirectory} did not finish within {timeLimit.TotalSeconds:0} s and was stopped. " +
                $"Output so far:{Environment.NewLine}{Snapshot(output)}");
        }

        // The parameterless wait drains the redirected output after the timed wait has seen the process end.
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{command}' in {workingDirectory} failed with exit code {process.ExitCode} after {clock.Elapsed.TotalSeconds:0} s. " +
                $"Output:{Environment.NewLine}{Snapshot(output)}");
        }

        return Snapshot(output);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            _ = output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
