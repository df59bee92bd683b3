// oneDNN convolution timings for the six benchmark shapes of benchmarks/README.md.
//
// Build:  g++ -O2 -std=c++17 conv_bench.cpp -ldnnl -o /tmp/onednn_conv_bench
// Run:    OMP_NUM_THREADS=1 /tmp/onednn_conv_bench [S1,S2,...]     (see run.sh)
// Library: g++ -O2 -std=c++17 -shared -fPIC -DCONV_BENCH_LIBRARY conv_bench.cpp -ldnnl -o /tmp/libconvbench.so, which
//          has no main but a C API (conv_bench_create / _execute / _describe / _destroy) for the benchmarks'
//          --interleaved mode, which alternates oneDNN's calls with the generated layers' (see ../interleaved.sh).
//
// For every (shape, pass) four variants are built: memory format `any` (oneDNN picks its layouts, usually blocked)
// or plain nchw/oihw/nchw, times algorithm convolution_direct or convolution_auto. Each primitive is created once,
// with a user-managed scratchpad allocated once; inputs are reordered into the primitive's layouts once, outside the
// timed loop. Only `primitive.execute(...)` + `stream.wait()` is timed. Every variant's result is first checked
// against a naive double-accumulating loop (all three passes, all shapes); a variant that fails is not timed and
// the program exits with status 1.
//
// Timing: warm-up (200 calls, or fewer if they take more than 1 s), then a batch size is chosen so that one batch
// takes >= 20 ms, then 15 rounds; in each round every variant of the (shape, pass) runs one batch, in turn
// (alternating, so that load from other processes falls on all of them alike). A round's time is the batch mean.
// Reported: median and minimum of the 15 round means, and the fastest single call of one extra round of
// individually timed calls (>= 50 calls and >= 20 ms; includes ~20-50 ns of clock overhead).
#include <dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;
using clk = std::chrono::steady_clock;

struct Shape {
    const char *id;
    int C, H, W, K, R, S, stride, pad, N;
    int Ho() const { return (H + 2 * pad - R) / stride + 1; }
    int Wo() const { return (W + 2 * pad - S) / stride + 1; }
    double flops() const { return 2.0 * N * K * C * R * S * Ho() * Wo(); }
};

static const Shape kShapes[] = {
        {"S1", 1, 28, 28, 6, 5, 5, 1, 0, 1},
        {"S2", 6, 12, 12, 16, 5, 5, 1, 0, 1},
        {"S3", 16, 32, 32, 16, 3, 3, 1, 1, 1},
        {"S4", 16, 32, 32, 32, 3, 3, 2, 1, 1},
        {"S5", 1, 28, 28, 6, 5, 5, 1, 0, 64},
        {"S6", 64, 56, 56, 64, 3, 3, 1, 1, 1},
};

enum class Pass { forward, backward_data, backward_weights };
static const char *pass_name(Pass p) {
    switch (p) {
        case Pass::forward: return "forward";
        case Pass::backward_data: return "backward-data";
        default: return "backward-weights";
    }
}

static const int kWarmupCalls = 200;
static const double kWarmupMaxSec = 1.0;
static const double kRoundSec = 0.020;
static const int kRounds = 15;

// ---------------------------------------------------------------------------------------------------------------
// Naive reference (double accumulation), plain layouts: src N×C×H×W, weights K×C×R×S, dst N×K×Ho×Wo.

static void ref_forward(const Shape &s, const std::vector<float> &src, const std::vector<float> &w,
        const std::vector<float> &b, std::vector<double> &dst) {
    int Ho = s.Ho(), Wo = s.Wo();
    dst.assign((size_t)s.N * s.K * Ho * Wo, 0.0);
    for (int n = 0; n < s.N; ++n)
        for (int k = 0; k < s.K; ++k)
            for (int oy = 0; oy < Ho; ++oy)
                for (int ox = 0; ox < Wo; ++ox) {
                    double acc = b[k];
                    for (int c = 0; c < s.C; ++c)
                        for (int r = 0; r < s.R; ++r) {
                            int iy = oy * s.stride - s.pad + r;
                            if (iy < 0 || iy >= s.H) continue;
                            for (int q = 0; q < s.S; ++q) {
                                int ix = ox * s.stride - s.pad + q;
                                if (ix < 0 || ix >= s.W) continue;
                                acc += (double)src[(((size_t)n * s.C + c) * s.H + iy) * s.W + ix]
                                        * w[(((size_t)k * s.C + c) * s.R + r) * s.S + q];
                            }
                        }
                    dst[(((size_t)n * s.K + k) * Ho + oy) * Wo + ox] = acc;
                }
}

static void ref_backward_data(const Shape &s, const std::vector<float> &ddst, const std::vector<float> &w,
        std::vector<double> &dsrc) {
    int Ho = s.Ho(), Wo = s.Wo();
    dsrc.assign((size_t)s.N * s.C * s.H * s.W, 0.0);
    for (int n = 0; n < s.N; ++n)
        for (int k = 0; k < s.K; ++k)
            for (int oy = 0; oy < Ho; ++oy)
                for (int ox = 0; ox < Wo; ++ox) {
                    double g = ddst[(((size_t)n * s.K + k) * Ho + oy) * Wo + ox];
                    for (int c = 0; c < s.C; ++c)
                        for (int r = 0; r < s.R; ++r) {
                            int iy = oy * s.stride - s.pad + r;
                            if (iy < 0 || iy >= s.H) continue;
                            for (int q = 0; q < s.S; ++q) {
                                int ix = ox * s.stride - s.pad + q;
                                if (ix < 0 || ix >= s.W) continue;
                                dsrc[(((size_t)n * s.C + c) * s.H + iy) * s.W + ix]
                                        += g * w[(((size_t)k * s.C + c) * s.R + r) * s.S + q];
                            }
                        }
                }
}

static void ref_backward_weights(const Shape &s, const std::vector<float> &src, const std::vector<float> &ddst,
        std::vector<double> &dw, std::vector<double> &db) {
    int Ho = s.Ho(), Wo = s.Wo();
    dw.assign((size_t)s.K * s.C * s.R * s.S, 0.0);
    db.assign(s.K, 0.0);
    for (int n = 0; n < s.N; ++n)
        for (int k = 0; k < s.K; ++k)
            for (int oy = 0; oy < Ho; ++oy)
                for (int ox = 0; ox < Wo; ++ox) {
                    double g = ddst[(((size_t)n * s.K + k) * Ho + oy) * Wo + ox];
                    db[k] += g;
                    for (int c = 0; c < s.C; ++c)
                        for (int r = 0; r < s.R; ++r) {
                            int iy = oy * s.stride - s.pad + r;
                            if (iy < 0 || iy >= s.H) continue;
                            for (int q = 0; q < s.S; ++q) {
                                int ix = ox * s.stride - s.pad + q;
                                if (ix < 0 || ix >= s.W) continue;
                                dw[(((size_t)k * s.C + c) * s.R + r) * s.S + q]
                                        += g * src[(((size_t)n * s.C + c) * s.H + iy) * s.W + ix];
                            }
                        }
                }
}

// Largest |got - ref| divided by the largest |ref|; NaN (an unwritten element) gives infinity.
static double rel_error(const std::vector<float> &got, const std::vector<double> &ref) {
    double maxref = 0, maxerr = 0;
    for (double v : ref) maxref = std::max(maxref, std::fabs(v));
    for (size_t i = 0; i < ref.size(); ++i) {
        if (!std::isfinite(got[i])) return INFINITY;
        maxerr = std::max(maxerr, std::fabs(got[i] - ref[i]));
    }
    return maxerr / (maxref > 0 ? maxref : 1.0);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

static std::string layout_str(const memory::desc &md) {
    const dnnl_memory_desc_t &d = md.data;
    if (d.format_kind == dnnl_format_kind_any) return "any";
    if (d.format_kind != dnnl_blocked) return "opaque";
    const auto &b = d.format_desc.blocking;
    std::vector<int> order(d.ndims);
    for (int i = 0; i < d.ndims; ++i) order[i] = i;
    bool blocked[DNNL_MAX_NDIMS] = {};
    dnnl_dim_t outer[DNNL_MAX_NDIMS];
    for (int i = 0; i < d.ndims; ++i) outer[i] = d.padded_dims[i];
    for (int i = 0; i < b.inner_nblks; ++i) {
        blocked[b.inner_idxs[i]] = true;
        outer[b.inner_idxs[i]] /= b.inner_blks[i];
    }
    // Outer to inner by stride; on equal strides (dimensions of size 1) by extent (stride × outer size), then by
    // index, so that nhwc with C = 1 prints acdb and nChw16c with N = 1 prints aBcd16b.
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
        if (b.strides[x] != b.strides[y]) return b.strides[x] > b.strides[y];
        return b.strides[x] * outer[x] > b.strides[y] * outer[y];
    });
    std::string s;
    for (int i : order) s += (char)((blocked[i] ? 'A' : 'a') + i);
    for (int i = 0; i < b.inner_nblks; ++i) s += std::to_string(b.inner_blks[i]) + (char)('a' + b.inner_idxs[i]);
    return s;
}

static void write_floats(const memory &m, const std::vector<float> &v) {
    std::memcpy(m.get_data_handle(), v.data(), v.size() * sizeof(float));
}
static std::vector<float> read_floats(const memory &m, size_t n) {
    std::vector<float> v(n);
    std::memcpy(v.data(), m.get_data_handle(), n * sizeof(float));
    return v;
}
static void fill_nan(const memory &m) {
    size_t n = m.get_desc().get_size() / sizeof(float);
    float *p = static_cast<float *>(m.get_data_handle());
    for (size_t i = 0; i < n; ++i) p[i] = NAN;
}

static const char *isa_name(cpu_isa isa) {
    switch (isa) {
        case cpu_isa::all: return "all";
        case cpu_isa::sse41: return "sse41";
        case cpu_isa::avx: return "avx";
        case cpu_isa::avx2: return "avx2";
        case cpu_isa::avx512_mic: return "avx512_mic";
        case cpu_isa::avx512_mic_4ops: return "avx512_mic_4ops";
        case cpu_isa::avx512_core: return "avx512_core";
        case cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
        case cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
        case cpu_isa::avx512_core_amx: return "avx512_core_amx";
        case cpu_isa::avx2_vnni: return "avx2_vnni";
    }
    return "?";
}

// ---------------------------------------------------------------------------------------------------------------
// One variant: a primitive with its arguments already in its own layouts.

struct Variant {
    std::string name;  // e.g. "any/direct"
    std::string impl;  // impl_info_str()
    std::string layouts;
    primitive prim;
    std::unordered_map<int, memory> args;
    bool ok = false;
    double err = 0;
    long batch = 1;
    std::vector<double> rounds;  // mean µs per call, one per round
    double fastest_call = INFINITY;
    double median() const {
        std::vector<double> r = rounds;
        std::sort(r.begin(), r.end());
        size_t n = r.size();
        return n % 2 ? r[n / 2] : 0.5 * (r[n / 2 - 1] + r[n / 2]);
    }
    double minimum() const { return *std::min_element(rounds.begin(), rounds.end()); }
};

struct Data {
    std::vector<float> src, w, b, ddst;
};

// Memory of `want` layout holding `plain` contents (reordered once if the layouts differ).
static memory to_layout(const engine &eng, stream &strm, const memory::desc &want, const memory::desc &plain_md,
        const std::vector<float> &plain) {
    memory user(plain_md, eng);
    write_floats(user, plain);
    if (want == plain_md) return user;
    memory m(want, eng);
    reorder(user, m).execute(strm, user, m);
    strm.wait();
    return m;
}

// Contents of `m` in the plain layout `plain_md`.
static std::vector<float> from_layout(const engine &eng, stream &strm, const memory &m,
        const memory::desc &plain_md) {
    memory user(plain_md, eng);
    if (m.get_desc() == plain_md) {
        return read_floats(m, plain_md.get_size() / sizeof(float));
    }
    reorder(m, user).execute(strm, const_cast<memory &>(m), user);
    strm.wait();
    return read_floats(user, plain_md.get_size() / sizeof(float));
}

static bool build_variant(Variant &v, const Shape &s, Pass pass, bool any_layout, algorithm alg, const engine &eng,
        stream &strm, const Data &d) {
    memory::dims src_d = {s.N, s.C, s.H, s.W}, w_d = {s.K, s.C, s.R, s.S}, b_d = {s.K},
                 dst_d = {s.N, s.K, s.Ho(), s.Wo()};
    memory::dims strides = {s.stride, s.stride}, pad = {s.pad, s.pad};
    memory::desc src_plain(src_d, dt::f32, tag::nchw), w_plain(w_d, dt::f32, tag::oihw), b_plain(b_d, dt::f32, tag::x),
            dst_plain(dst_d, dt::f32, tag::nchw);
    tag t_act = any_layout ? tag::any : tag::nchw, t_w = any_layout ? tag::any : tag::oihw,
        t_b = any_layout ? tag::any : tag::x;
    memory::desc src_md(src_d, dt::f32, t_act), w_md(w_d, dt::f32, t_w), b_md(b_d, dt::f32, t_b),
            dst_md(dst_d, dt::f32, t_act);

    primitive_attr attr;
    attr.set_scratchpad_mode(scratchpad_mode::user);

    v.name = std::string(any_layout ? "any" : "plain") + "/" + (alg == algorithm::convolution_direct ? "direct" : "auto");
    try {
        // forward_inference for the forward pass; the backward passes need a forward_training hint.
        auto fwd_prop = pass == Pass::forward ? prop_kind::forward_inference : prop_kind::forward_training;
        convolution_forward::desc fd(fwd_prop, alg, src_md, w_md, b_md, dst_md, strides, pad, pad);
        convolution_forward::primitive_desc fpd(fd, attr, eng);
        primitive_desc_base pd;
        std::vector<float> got;
        double err = 0;
        memory out, out2;
        if (pass == Pass::forward) {
            pd = fpd;
            v.prim = convolution_forward(fpd);
            v.args[DNNL_ARG_SRC] = to_layout(eng, strm, fpd.src_desc(), src_plain, d.src);
            v.args[DNNL_ARG_WEIGHTS] = to_layout(eng, strm, fpd.weights_desc(), w_plain, d.w);
            v.args[DNNL_ARG_BIAS] = to_layout(eng, strm, fpd.bias_desc(), b_plain, d.b);
            out = memory(fpd.dst_desc(), eng);
            v.args[DNNL_ARG_DST] = out;
            v.layouts = "src " + layout_str(fpd.src_desc()) + ", wei " + layout_str(fpd.weights_desc()) + ", dst "
                    + layout_str(fpd.dst_desc());
        } else if (pass == Pass::backward_data) {
            convolution_backward_data::desc bd(alg, src_md, w_md, dst_md, strides, pad, pad);
            convolution_backward_data::primitive_desc bpd(bd, attr, eng, fpd);
            pd = bpd;
            v.prim = convolution_backward_data(bpd);
            v.args[DNNL_ARG_DIFF_DST] = to_layout(eng, strm, bpd.diff_dst_desc(), dst_plain, d.ddst);
            v.args[DNNL_ARG_WEIGHTS] = to_layout(eng, strm, bpd.weights_desc(), w_plain, d.w);
            out = memory(bpd.diff_src_desc(), eng);
            v.args[DNNL_ARG_DIFF_SRC] = out;
            v.layouts = "diff_dst " + layout_str(bpd.diff_dst_desc()) + ", wei " + layout_str(bpd.weights_desc())
                    + ", diff_src " + layout_str(bpd.diff_src_desc());
        } else {
            convolution_backward_weights::desc bd(alg, src_md, w_md, b_md, dst_md, strides, pad, pad);
            convolution_backward_weights::primitive_desc bpd(bd, attr, eng, fpd);
            pd = bpd;
            v.prim = convolution_backward_weights(bpd);
            v.args[DNNL_ARG_SRC] = to_layout(eng, strm, bpd.src_desc(), src_plain, d.src);
            v.args[DNNL_ARG_DIFF_DST] = to_layout(eng, strm, bpd.diff_dst_desc(), dst_plain, d.ddst);
            out = memory(bpd.diff_weights_desc(), eng);
            out2 = memory(bpd.diff_bias_desc(), eng);
            v.args[DNNL_ARG_DIFF_WEIGHTS] = out;
            v.args[DNNL_ARG_DIFF_BIAS] = out2;
            v.layouts = "src " + layout_str(bpd.src_desc()) + ", diff_dst " + layout_str(bpd.diff_dst_desc())
                    + ", diff_wei " + layout_str(bpd.diff_weights_desc());
        }
        v.impl = pd.impl_info_str();
        v.args[DNNL_ARG_SCRATCHPAD] = memory(pd.scratchpad_desc(), eng);

        // Correctness: outputs start as NaN, one call, compare with the naive loop.
        fill_nan(out);
        if (out2) fill_nan(out2);
        v.prim.execute(strm, v.args);
        strm.wait();
        if (pass == Pass::forward) {
            std::vector<double> ref;
            ref_forward(s, d.src, d.w, d.b, ref);
            err = rel_error(from_layout(eng, strm, out, dst_plain), ref);
        } else if (pass == Pass::backward_data) {
            std::vector<double> ref;
            ref_backward_data(s, d.ddst, d.w, ref);
            err = rel_error(from_layout(eng, strm, out, src_plain), ref);
        } else {
            std::vector<double> rw, rb;
            ref_backward_weights(s, d.src, d.ddst, rw, rb);
            err = std::max(rel_error(from_layout(eng, strm, out, w_plain), rw),
                    rel_error(from_layout(eng, strm, out2, b_plain), rb));
        }
        v.err = err;
        v.ok = err <= 1e-4;
        if (!v.ok)
            std::fprintf(stderr, "MISMATCH %s %s %s (%s): relative error %.3g > 1e-4\n", s.id, pass_name(pass),
                    v.name.c_str(), v.impl.c_str(), err);
        return true;
    } catch (const dnnl::error &e) {
        v.impl = std::string("(not available: ") + e.what() + ")";
        return false;
    }
}

// The inputs every variant of a shape is checked and timed with: uniform in [-1, 1), fixed seed.
static Data random_data(const Shape &s) {
    std::mt19937 rng(12345);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    Data d;
    auto fill = [&](std::vector<float> &v, size_t n) {
        v.resize(n);
        for (auto &x : v) x = u(rng);
    };
    fill(d.src, (size_t)s.N * s.C * s.H * s.W);
    fill(d.w, (size_t)s.K * s.C * s.R * s.S);
    fill(d.b, s.K);
    fill(d.ddst, (size_t)s.N * s.K * s.Ho() * s.Wo());
    return d;
}

// Builds the four variants (layout any or plain × algorithm direct or auto) into `vs`; returns those that matched the
// naive reference. `failed` is set when a variant that exists gave a wrong result.
static std::vector<Variant *> build_variants(std::vector<Variant> &vs, const Shape &s, Pass pass, const engine &eng,
        stream &strm, const Data &d, bool &failed) {
    std::vector<Variant *> checked;
    int i = 0;
    for (bool any : {true, false})
        for (algorithm alg : {algorithm::convolution_direct, algorithm::convolution_auto}) {
            Variant &v = vs[i++];
            if (build_variant(v, s, pass, any, alg, eng, strm, d) && v.ok) checked.push_back(&v);
            if (!v.ok && v.impl.rfind("(not", 0) != 0) failed = true;
        }
    return checked;
}

static double run_batch(Variant &v, stream &strm, long calls) {
    auto t0 = clk::now();
    for (long i = 0; i < calls; ++i) {
        v.prim.execute(strm, v.args);
        strm.wait();
    }
    auto t1 = clk::now();
    return std::chrono::duration<double>(t1 - t0).count();
}

static void measure(std::vector<Variant *> &vs, stream &strm) {
    // Warm-up and batch size.
    for (Variant *v : vs) {
        auto t0 = clk::now();
        for (int i = 0; i < kWarmupCalls; ++i) {
            v->prim.execute(strm, v->args);
            strm.wait();
            if (i >= 10 && std::chrono::duration<double>(clk::now() - t0).count() > kWarmupMaxSec) break;
        }
        long n = 1;
        for (;;) {
            double t = run_batch(*v, strm, n);
            if (t >= kRoundSec) break;
            n = t <= 0 ? n * 10 : std::max(n + 1, (long)std::ceil(n * 1.1 * kRoundSec / t));
        }
        v->batch = n;
    }
    // Rounds, alternating between the variants.
    for (int r = 0; r < kRounds; ++r)
        for (Variant *v : vs) v->rounds.push_back(run_batch(*v, strm, v->batch) / v->batch * 1e6);
    // One round of individually timed calls per variant.
    for (Variant *v : vs) {
        long calls = std::max<long>(50, v->batch);
        for (long i = 0; i < calls; ++i) {
            auto t0 = clk::now();
            v->prim.execute(strm, v->args);
            strm.wait();
            auto t1 = clk::now();
            v->fastest_call = std::min(v->fastest_call, std::chrono::duration<double, std::micro>(t1 - t0).count());
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Library build (-DCONV_BENCH_LIBRARY -shared -fPIC): the fastest variant of one (shape, pass) as a handle that another
// process's benchmark can call one execution at a time, interleaved with its own calls (see the benchmarks'
// --interleaved mode). No main.

extern "C" {

struct ConvBenchHandle {
    Variant variant;
    std::string description;
};

static engine &library_engine() {
    static engine eng(engine::kind::cpu, 0);
    return eng;
}

static stream &library_stream() {
    static stream strm(library_engine());
    return strm;
}

// Builds and checks the four variants of shape `shape_index` (0 = S1 … 5 = S6) and pass `pass` (0 forward, 1
// backward-data, 2 backward-weights), times them as the standalone program does and keeps the one with the lowest
// median. Returns null when the index is out of range or no variant matched the naive reference.
void *conv_bench_create(int shape_index, int pass) {
    if (shape_index < 0 || shape_index >= (int)(sizeof(kShapes) / sizeof(kShapes[0])) || pass < 0 || pass > 2)
        return nullptr;
    const Shape &s = kShapes[shape_index];
    Data d = random_data(s);
    std::vector<Variant> vs(4);
    bool failed = false;
    std::vector<Variant *> timed = build_variants(vs, s, (Pass)pass, library_engine(), library_stream(), d, failed);
    if (timed.empty()) return nullptr;
    measure(timed, library_stream());
    Variant *best = *std::min_element(
            timed.begin(), timed.end(), [](const Variant *a, const Variant *b) { return a->median() < b->median(); });
    auto *h = new ConvBenchHandle{*best, ""};
    h->description = best->name + " " + best->impl + ", " + isa_name(get_effective_cpu_isa());
    return h;
}

// One execution of the handle's primitive, waited for.
void conv_bench_execute(void *handle) {
    auto *h = static_cast<ConvBenchHandle *>(handle);
    h->variant.prim.execute(library_stream(), h->variant.args);
    library_stream().wait();
}

// "any/direct jit:avx2, AVX2": the variant, oneDNN's implementation and the effective ISA.
const char *conv_bench_describe(void *handle) { return static_cast<ConvBenchHandle *>(handle)->description.c_str(); }

void conv_bench_destroy(void *handle) { delete static_cast<ConvBenchHandle *>(handle); }
}

#ifndef CONV_BENCH_LIBRARY
int main(int argc, char **argv) {
    // Arguments: [--check] [S1,S2,...]. --check builds and verifies every variant, prints its implementation and
    // layouts, and times nothing (for ONEDNN_VERBOSE runs).
    bool check_only = false;
    std::string filter;
    for (int a = 1; a < argc; ++a) {
        if (std::strcmp(argv[a], "--check") == 0)
            check_only = true;
        else
            filter = argv[a];
    }
    auto selected = [&](const char *id) {
        if (filter.empty()) return true;
        std::stringstream ss(filter);
        std::string tok;
        while (std::getline(ss, tok, ','))
            if (tok == id) return true;
        return false;
    };

    const dnnl_version_t *ver = dnnl_version();
    int nthr = -1;
    if (auto f = (int (*)())dlsym(RTLD_DEFAULT, "omp_get_max_threads")) nthr = f();
    const char *rt = ver->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP"
            : ver->cpu_runtime == DNNL_RUNTIME_TBB         ? "TBB"
            : ver->cpu_runtime == DNNL_RUNTIME_SEQ         ? "sequential"
            : ver->cpu_runtime == DNNL_RUNTIME_THREADPOOL  ? "threadpool"
                                                           : "other";
    std::printf("# oneDNN %d.%d.%d (hash %s), CPU runtime %s, OpenMP max threads %d, effective ISA %s\n\n",
            ver->major, ver->minor, ver->patch, ver->hash, rt, nthr, isa_name(get_effective_cpu_isa()));
    if (ver->cpu_runtime == DNNL_RUNTIME_OMP && nthr != 1 && !std::getenv("ALLOW_THREADS")) {
        std::fprintf(stderr, "refusing to run with %d OpenMP threads: set OMP_NUM_THREADS=1\n", nthr);
        return 2;
    }

    engine eng(engine::kind::cpu, 0);
    stream strm(eng);

    struct Row {
        const Shape *s;
        Pass pass;
        Variant best;
    };
    std::vector<Row> rows;
    bool failed = false;

    if (check_only) {
        std::printf("| id | pass | variant | implementation | layouts | rel. error | check |\n");
        std::printf("| --- | --- | --- | --- | --- | ---: | --- |\n");
    } else {
    std::printf("## All variants\n\n");
    std::printf("Time per call in µs: median of %d round means (min of round means) [fastest single call].\n\n",
            kRounds);
    std::printf("| id | pass | variant | implementation | layouts | rel. error | calls/round | median µs | min µs | "
                "fastest call µs | GFLOP/s (median) |\n");
    std::printf("| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    }
    std::fflush(stdout);

    for (const Shape &s : kShapes) {
        if (!selected(s.id)) continue;
        Data d = random_data(s);

        for (Pass pass : {Pass::forward, Pass::backward_data, Pass::backward_weights}) {
            std::vector<Variant> vs(4);
            std::vector<Variant *> timed = build_variants(vs, s, pass, eng, strm, d, failed);
            if (check_only) {
                for (Variant &v : vs)
                    std::printf("| %s | %s | %s | %s | %s | %.1e | %s |\n", s.id, pass_name(pass), v.name.c_str(),
                            v.impl.c_str(), v.layouts.c_str(), v.err, v.ok ? "ok" : "FAILED / not available");
                std::fflush(stdout);
                continue;
            }
            measure(timed, strm);
            Variant *best = nullptr;
            for (Variant &v : vs) {
                if (v.rounds.empty()) {
                    std::printf("| %s | %s | %s | %s | %s | %.1e | - | - | - | - | - |\n", s.id, pass_name(pass),
                            v.name.c_str(), v.impl.c_str(), v.layouts.c_str(), v.err);
                    continue;
                }
                std::printf("| %s | %s | %s | %s | %s | %.1e | %ld | %.2f | %.2f | %.2f | %.1f |\n", s.id,
                        pass_name(pass), v.name.c_str(), v.impl.c_str(), v.layouts.c_str(), v.err, v.batch,
                        v.median(), v.minimum(), v.fastest_call, s.flops() / (v.median() * 1e3));
                if (!best || v.median() < best->median()) best = &v;
            }
            std::fflush(stdout);
            if (best) rows.push_back({&s, pass, *best});
        }
    }

    if (check_only) {
        if (failed) std::fprintf(stderr, "some variants did not match the naive reference (see MISMATCH above)\n");
        return failed ? 1 : 0;
    }
    std::printf("\n## Best variant per (shape, pass)\n\n");
    std::printf("Best = lowest median among the variants above.\n\n");
    std::printf("| id | pass | variant | implementation | median µs | min µs | fastest call µs | GFLOP/s (median) | "
                "GFLOP/s (min) |\n");
    std::printf("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (auto &r : rows)
        std::printf("| %s | %s | %s | %s | %.2f | %.2f | %.2f | %.1f | %.1f |\n", r.s->id, pass_name(r.pass),
                r.best.name.c_str(), r.best.impl.c_str(), r.best.median(), r.best.minimum(), r.best.fastest_call,
                r.s->flops() / (r.best.median() * 1e3), r.s->flops() / (r.best.minimum() * 1e3));

    std::printf("\n");
    for (auto &r : rows)
        std::printf("RESULT isa=%s shape=%s pass=%s median_us=%.3f min_us=%.3f fastest_call_us=%.3f "
                    "gflops_median=%.2f variant=%s impl=%s\n",
                isa_name(get_effective_cpu_isa()), r.s->id, pass_name(r.pass), r.best.median(), r.best.minimum(),
                r.best.fastest_call, r.s->flops() / (r.best.median() * 1e3), r.best.name.c_str(),
                r.best.impl.c_str());
    if (failed) std::fprintf(stderr, "some variants did not match the naive reference (see MISMATCH above)\n");
    return failed ? 1 : 0;
}
#endif
