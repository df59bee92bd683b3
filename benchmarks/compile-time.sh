#!/usr/bin/env bash
# What declaring layers costs in a build: the incremental `dotnet build` time of a project that declares 100 [Conv2D]
# layers against the same project declaring none.
#
# Usage: benchmarks/compile-time.sh [REPO_ROOT] [RUNS]
#   REPO_ROOT  the repository whose src/SpecializedConv and generators/SpecializedConv.Generators are used
#              (default: the repository this script is in; point it at a clean export to measure a commit)
#   RUNS       timed builds per project (default 3); the median and the minimum are printed
# Environment: CONFIGURATION (default Debug, what `dotnet build` builds), KEEP=1 to keep the temporary projects.
#
# Two throw-away projects are created in a temporary directory, each referencing the runtime library and the generator
# (as an analyzer), exactly as a user's project does. Each is built once to restore and warm up (compiler server,
# MSBuild nodes, the generator and the library already built), then, alternating between the two, a source file is
# touched and `dotnet build --no-restore` is timed. Only the layer project itself recompiles; the time includes
# MSBuild's up-to-date checks of the two references, which are the same in both projects.
#
# The 100 layers are the five benchmark layers (S1, S2, S3, S4, S6 in benchmarks/README.md) twenty times each, as
# distinct classes: the generator emits and the compiler compiles every one of them in full.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${1:-$script_dir/..}" && pwd)"
runs="${2:-3}"
configuration="${CONFIGURATION:-Debug}"
work="$(mktemp -d -t specializedconv-compile-time.XXXXXX)"
if [[ "${KEEP:-0}" != 1 ]]; then
    trap 'rm -rf "$work"' EXIT
fi

layer_attributes=(
    "[Conv2D(1, 28, 28, 6, 5, 5, Stride = 1, Padding = 0)]"
    "[Conv2D(6, 12, 12, 16, 5, 5, Stride = 1, Padding = 0)]"
    "[Conv2D(16, 32, 32, 16, 3, 3, Stride = 1, Padding = 1)]"
    "[Conv2D(16, 32, 32, 32, 3, 3, Stride = 2, Padding = 1)]"
    "[Conv2D(64, 56, 56, 64, 3, 3, Stride = 1, Padding = 1)]"
)

# make_project NAME LAYER_COUNT
make_project() {
    local name="$1" count="$2" dir="$work/$1"
    mkdir -p "$dir"
    cat > "$dir/$name.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <LangVersion>latest</LangVersion>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$repo/src/SpecializedConv/SpecializedConv.csproj" />
    <ProjectReference Include="$repo/generators/SpecializedConv.Generators/SpecializedConv.Generators.csproj"
                      OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
</Project>
EOF
    {
        echo "using SpecializedConv;"
        echo
        echo "namespace CompileTime;"
        for ((i = 0; i < count; i++)); do
            echo
            echo "${layer_attributes[i % ${#layer_attributes[@]}]}"
            printf 'public partial class Layer%03d;\n' "$i"
        done
    } > "$dir/Layers.cs"
    # The file that is touched before each timed build: an edit elsewhere in the project.
    printf 'namespace CompileTime;\n\n/// <summary>Touched before each timed build.</summary>\npublic static class Touched\n{\n}\n' > "$dir/Touched.cs"
}

# time_build NAME: prints the seconds one incremental build takes
time_build() {
    local dir="$work/$1" start end
    touch "$dir/Touched.cs"
    start=$(date +%s.%N)
    dotnet build "$dir/$1.csproj" -c "$configuration" --no-restore -v:q -nologo > "$dir/build.log" 2>&1 || {
        cat "$dir/build.log" >&2
        exit 1
    }
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

# stats VALUES...: "median min"
stats() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f %.2f\n", m, v[1] }'
}

make_project NoLayers 0
make_project HundredLayers 100

echo "Repository: $repo ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout'))"
echo "Configuration: $configuration; $runs timed builds per project; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Warming up (restore and first build of each project)..."
for name in NoLayers HundredLayers; do
    dotnet build "$work/$name/$name.csproj" -c "$configuration" -v:q -nologo > "$work/$name/warm.log" 2>&1 || {
        cat "$work/$name/warm.log" >&2
        exit 1
    }
done

no_layers=()
hundred_layers=()
for ((run = 1; run <= runs; run++)); do
    no_layers+=("$(time_build NoLayers)")
    hundred_layers+=("$(time_build HundredLayers)")
    echo "run $run: no layers ${no_layers[-1]} s, 100 layers ${hundred_layers[-1]} s"
done

read -r none_median none_min <<< "$(stats "${no_layers[@]}")"
read -r hundred_median hundred_min <<< "$(stats "${hundred_layers[@]}")"
dll="$work/HundredLayers/bin/$configuration/net10.0/HundredLayers.dll"
echo
echo "| project | incremental build, median (s) | min (s) |"
echo "| --- | ---: | ---: |"
echo "| no layers | $none_median | $none_min |"
echo "| 100 layers | $hundred_median | $hundred_min |"
echo "| difference | $(echo "$hundred_median - $none_median" | bc) | $(echo "$hundred_min - $none_min" | bc) |"
echo
printf "Per layer (difference / 100): median %.3f s, min %.3f s\n" "$(echo "($hundred_median - $none_median) / 100" | bc -l)" "$(echo "($hundred_min - $none_min) / 100" | bc -l)"
echo "HundredLayers.dll: $(stat -c %s "$dll") bytes; NoLayers.dll: $(stat -c %s "$work/NoLayers/bin/$configuration/net10.0/NoLayers.dll") bytes"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "Load average at the end: $load_after"
