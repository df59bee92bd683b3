#!/usr/bin/env bash
# The generated layers against oneDNN in one process, calls alternating one by one (see Interleaved.cs): on a host
# whose speed comes and goes in phases, both sides then see the same phases. oneDNN is capped at AVX2, as in the
# issue's figures and the side-by-side tables.
#
#   benchmarks/interleaved.sh                  # all six shapes, 20 rounds (a few minutes)
#   benchmarks/interleaved.sh S3,S4 30         # some shapes, more rounds
#
# Environment: ISA (default AVX2; "default" for oneDNN's own choice, AVX-512 on a CPU that has it), DOTNET_EnableAVX512
# (default 0: the generated code's JIT without AVX-512, see below),
# LIBRARY (default /tmp/libconvbench.so, where the library build of onednn/conv_bench.cpp is written).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
shapes="${1:-S1,S2,S3,S4,S5,S6}"
rounds="${2:-20}"
library="${LIBRARY:-/tmp/libconvbench.so}"

if [ ! -f /usr/include/oneapi/dnnl/dnnl.hpp ] && [ ! -f /usr/include/dnnl.hpp ]; then
    echo "libdnnl-dev missing: installing it" >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y libdnnl-dev; else sudo apt-get install -y libdnnl-dev; fi
fi

g++ -O2 -std=c++17 -shared -fPIC -DCONV_BENCH_LIBRARY "$here/onednn/conv_bench.cpp" -ldnnl -o "$library"

export OMP_NUM_THREADS=1 ONEDNN_VERBOSE=0 DNNL_VERBOSE=0
# The JIT gets AVX2's 16 vector registers, as on the issue's Zen 3 and as oneDNN has at its AVX2 cap; on a CPU with
# AVX-512 it would otherwise use 32 and hide a kernel that spills (DOTNET_EnableAVX512=1 to allow them).
export DOTNET_EnableAVX512="${DOTNET_EnableAVX512:-0}"
if [ "${ISA:-AVX2}" != default ]; then
    # ONEDNN_ is read by oneDNN >= 2.5 (2.6.3 here), DNNL_ by older versions.
    export ONEDNN_MAX_CPU_ISA="${ISA:-AVX2}" DNNL_MAX_CPU_ISA="${ISA:-AVX2}"
fi

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
CONV_BENCH_LIBRARY="$library" dotnet run -c Release --project "$here/SpecializedConv.Benchmarks" -- --interleaved "$shapes" "$rounds"
