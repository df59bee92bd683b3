#!/usr/bin/env bash
# The generated layers, the runtime-shaped kernel and oneDNN (default ISA and capped at AVX2) on the same machine,
# alternating shape by shape so that load from other processes falls on all of them alike, then one table.
#
#   benchmarks/side-by-side.sh                 # two rounds of all six shapes (about 15 minutes a round)
#   benchmarks/side-by-side.sh 1 S2,S4         # one round of two shapes
#
# Environment: OUT_DIR (default /tmp/side-by-side): BenchmarkDotNet artifacts and oneDNN outputs per round and shape;
# DOTNET_EnableAVX512 (default 0, below);
# TABLE_ONLY=1 prints the table from what OUT_DIR already holds, running nothing.
# Run it from a checkout that builds (BenchmarkDotNet builds its own copy of the project); see README.md.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:-2}"
shapes="${2:-S1,S2,S3,S4,S5,S6}"
out_dir="${OUT_DIR:-/tmp/side-by-side}"
project="$here/SpecializedConv.Benchmarks"

if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: ROUNDS must be a positive number, not '$rounds'" >&2
    exit 2
fi
for s in ${shapes//,/ }; do
    if ! [[ "$s" =~ ^S[1-6]$ ]]; then
        echo "error: unknown shape '$s' (expected S1 … S6, comma-separated)" >&2
        exit 2
    fi
done

# The JIT gets AVX2's 16 vector registers, as on the issue's Zen 3 and as oneDNN has at its AVX2 cap; on a CPU with
# AVX-512 it would otherwise use 32 and hide a kernel that spills (DOTNET_EnableAVX512=1 to allow them). BenchmarkDotNet's
# benchmark processes inherit it; its summary's HardwareIntrinsics line shows what the JIT used.
export DOTNET_EnableAVX512="${DOTNET_EnableAVX512:-0}"

mkdir -p "$out_dir"
if [[ "${TABLE_ONLY:-0}" == 1 ]]; then
    rounds=0
else
    dotnet build -c Release "$project" > "$out_dir/build.log" 2>&1 || { echo "error: the build failed, see $out_dir/build.log" >&2; exit 1; }
fi

for ((r = 1; r <= rounds; r++)); do
    for s in ${shapes//,/ }; do
        echo "$(date -u +%H:%M:%S) round $r $s: BenchmarkDotNet, load average $(cut -d' ' -f1-3 /proc/loadavg)"
        dotnet run -c Release --no-build --project "$project" -- --filter "*.$s.*" "*.Runtime$s.*" \
            --warmupCount 5 --iterationCount 15 --launchCount 1 --artifacts "$out_dir/r$r-$s-bdn" > "$out_dir/r$r-$s-bdn.log" 2>&1
        echo "$(date -u +%H:%M:%S) round $r $s: oneDNN, load average $(cut -d' ' -f1-3 /proc/loadavg)"
        OUT_DIR="$out_dir/onednn" "$here/onednn/run.sh" "$s" > "$out_dir/r$r-$s-onednn.log" 2>&1
    done
done

# Per cell: the lowest median over the rounds and, in brackets, the lowest minimum.
python3 - "$out_dir" <<'PY'
import collections, glob, os, re, sys

out = sys.argv[1]
flops = {"S1": 2 * 6 * 1 * 25 * 576, "S2": 2 * 16 * 6 * 25 * 64, "S3": 2 * 16 * 16 * 9 * 1024,
         "S4": 2 * 32 * 16 * 9 * 256, "S5": 64 * 2 * 6 * 25 * 576, "S6": 2 * 64 * 64 * 9 * 3136}
passes = {"Forward": "forward", "BackwardData": "backward-data", "BackwardWeights": "backward-weights"}

def micros(cell):
    number, unit = cell.replace(",", "").split()
    return float(number) * {"ns": 1e-3, "us": 1.0, "μs": 1.0, "ms": 1e3}[unit]

bdn = collections.defaultdict(list)        # (kind, shape, pass) -> [(median, min)]
for report in glob.glob(os.path.join(out, "r*-bdn", "results", "*-report-github.md")):
    kind, shape = re.search(r"Benchmarks\.(Runtime)?(S\d)-report", report).groups()
    for line in open(report, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] in passes:
            bdn[(kind or "", shape, cells[0])].append((micros(cells[4]), micros(cells[5])))

onednn = collections.defaultdict(list)     # (isa, shape, pass) -> [(median, min)]
for log in glob.glob(os.path.join(out, "onednn", "*.md")):
    isa = "avx2" if log.endswith("-AVX2.md") else "default"     # run.sh names its outputs <stamp>-<ISA setting>.md
    for line in open(log, encoding="utf-8"):
        m = re.match(r"RESULT isa=\S+ shape=(\S+) pass=(\S+) median_us=([\d.]+) min_us=([\d.]+)", line)
        if m:
            onednn[(isa, m.group(1), m.group(2))].append((float(m.group(3)), float(m.group(4))))

def number(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"

def cell(values):
    return f"{number(min(v[0] for v in values))} ({number(min(v[1] for v in values))})" if values else "–"

def ratio(a, b):
    return f"{min(v[0] for v in a) / min(v[0] for v in b):.2f}" if a and b else "–"

print("| id | pass | generated µs, median (min) | GFLOP/s | runtime-shaped µs | oneDNN AVX2 µs | oneDNN default µs "
      "| generated ÷ oneDNN AVX2 | generated ÷ oneDNN default |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for shape in sorted({key[1] for key in bdn}):
    for name, label in passes.items():
        generated = bdn[("", shape, name)]
        avx2, default = onednn[("avx2", shape, label)], onednn[("default", shape, label)]
        gflops = f"{flops[shape] / min(v[0] for v in generated) / 1e3:.1f}" if generated else "–"
        print(f"| {shape} | {label} | {cell(generated)} | {gflops} | {cell(bdn[('Runtime', shape, name)])} "
              f"| {cell(avx2)} | {cell(default)} | {ratio(generated, avx2)} | {ratio(generated, default)} |")
PY
