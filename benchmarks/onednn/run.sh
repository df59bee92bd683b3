#!/usr/bin/env bash
# Builds conv_bench.cpp against the system oneDNN (Debian's libdnnl-dev) and runs it single-threaded twice:
# with oneDNN's default ISA (AVX-512 on a CPU that has it) and capped at AVX2.
#
#   benchmarks/onednn/run.sh                # all six shapes
#   benchmarks/onednn/run.sh S1,S4          # some shapes (comma-separated ids)
#   VERBOSE_CHECK=1 benchmarks/onednn/run.sh S4
#                                           # also print ONEDNN_VERBOSE exec lines of one untimed call per variant
#                                           # under each ISA setting (shows the implementation and ISA used)
#
# Environment: BIN (default /tmp/onednn_conv_bench), OUT_DIR (default /tmp/onednn_bench; each run's output is
# also written there), ISAS (default "default AVX2").
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
shapes="${1:-}"
bin="${BIN:-/tmp/onednn_conv_bench}"
out_dir="${OUT_DIR:-/tmp/onednn_bench}"
isas="${ISAS:-default AVX2}"

if [ ! -f /usr/include/oneapi/dnnl/dnnl.hpp ] && [ ! -f /usr/include/dnnl.hpp ]; then
    echo "libdnnl-dev missing: installing it" >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y libdnnl-dev; else sudo apt-get install -y libdnnl-dev; fi
fi

g++ -O2 -std=c++17 "$here/conv_bench.cpp" -ldnnl -o "$bin"
mkdir -p "$out_dir"

# One thread: Debian's oneDNN uses OpenMP (libgomp). The program refuses to time with more than one thread.
export OMP_NUM_THREADS=1
export ONEDNN_VERBOSE=0 DNNL_VERBOSE=0

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(getconf _NPROCESSORS_ONLN) cores," \
     "family $(grep -m1 'cpu family' /proc/cpuinfo | sed 's/.*: //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# libdnnl-dev $(dpkg-query -W -f='${Version}' libdnnl-dev 2>/dev/null || echo '?'), g++ $(g++ -dumpfullversion)"
echo "# AVX-512 flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep '^avx512' | tr '\n' ' ')"
echo

stamp="$(date -u '+%Y%m%dT%H%M%S')"
set_isa() {
    if [ "$1" = default ]; then
        unset ONEDNN_MAX_CPU_ISA DNNL_MAX_CPU_ISA
    else
        # ONEDNN_ is read by oneDNN >= 2.5 (2.6.3 here), DNNL_ by older versions.
        export ONEDNN_MAX_CPU_ISA="$1" DNNL_MAX_CPU_ISA="$1"
    fi
}

if [ "${VERBOSE_CHECK:-0}" = 1 ]; then
    for isa in $isas; do
        set_isa "$isa"
        echo "## ONEDNN_VERBOSE check, ISA cap: $isa"
        echo
        ONEDNN_VERBOSE=1 DNNL_VERBOSE=1 "$bin" --check $shapes \
            | grep -E '^(onednn|dnnl)_verbose,(info,cpu|exec,cpu,convolution)' | cut -d, -f1-7,9
        echo
    done
fi

# The ISA cap is process-wide and fixed at the first JIT, so each setting is its own process. To expose both to
# the same load, the settings alternate shape by shape: S1 default, S1 AVX2, S2 default, S2 AVX2, ...
all_shapes="${shapes:-S1,S2,S3,S4,S5,S6}"
for s in ${all_shapes//,/ }; do
    for isa in $isas; do
        set_isa "$isa"
        echo "## $s, ISA cap: $isa (ONEDNN_MAX_CPU_ISA=${ONEDNN_MAX_CPU_ISA:-unset}), OMP_NUM_THREADS=$OMP_NUM_THREADS," \
             "load average $(cut -d' ' -f1-3 /proc/loadavg)"
        echo
        "$bin" "$s" | tee -a "$out_dir/$stamp-$isa.md"
        echo
    done
done

# Summary: the best variant's median (min of round means) per (shape, pass) and ISA setting, side by side.
echo "## Summary: µs per call, median of round means (min)"
echo
header="| id | pass |"; rule="| --- | --- |"
for isa in $isas; do header="$header $isa |"; rule="$rule ---: |"; done
echo "$header"; echo "$rule"
for s in ${all_shapes//,/ }; do
    for pass in forward backward-data backward-weights; do
        line="| $s | $pass |"
        for isa in $isas; do
            cell=$(grep -h "^RESULT .* shape=$s pass=$pass " "$out_dir/$stamp-$isa.md" \
                | sed -E 's/.* median_us=([0-9.]+) min_us=([0-9.]+) .* impl=(.*)/\1 \2 \3/' \
                | awk '{ printf "%.2f (%.2f) %s", $1, $2, $3 }')
            line="$line $cell |"
        done
        echo "$line"
    done
done
echo
echo "(outputs: $out_dir/$stamp-*.md)"
