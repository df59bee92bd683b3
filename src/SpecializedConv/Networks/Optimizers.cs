using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SpecializedConv.Networks;

/// <summary>
/// Updates a network's parameters from the gradient of the batch's mean loss: <see cref="Sgd"/> (with or without
/// momentum) or <see cref="Adam"/>. Works on the network's flat parameter array, so one call per batch updates every
/// layer. State (momentum, moment estimates) is allocated on the first step and reused.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Creates an optimizer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not positive and finite.</exception>
    protected Optimizer(float learningRate)
    {
        LearningRate = learningRate;
    }

    /// <summary>Step size; may be changed between steps (a schedule).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and finite.</exception>
    public float LearningRate
    {
        get;
        set
        {
            if (!(value > 0) || !float.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be positive and finite.");
            }

            field = value;
        }
    }

    /// <summary>Steps taken since creation or <see cref="Reset"/>.</summary>
    public long Steps { get; private set; }

    /// <summary>A short description, e.g. "Adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-08)".</summary>
    public abstract override string ToString();

    /// <summary>Applies one update: <paramref name="parameters"/> moves against <paramref name="gradient"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length, or differ from the previous steps'.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != gradient.Length)
        {
            throw new ArgumentException($"Expected a gradient of {parameters.Length} values, as the parameters, but it has {gradient.Length}.", nameof(gradient));
        }

        Steps++;
        Update(parameters, gradient, Steps);
    }

    /// <summary>Forgets all state, as if no step had been taken.</summary>
    public void Reset()
    {
        Steps = 0;
        ResetState();
    }

    /// <summary>Applies step <paramref name="step"/> (1 for the first).</summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradient, long step);

    /// <summary>Drops the optimizer's state.</summary>
    protected abstract void ResetState();

    /// <summary>Returns <paramref name="weightDecay"/> after checking that it is non-negative and finite.</summary>
    protected static float CheckWeightDecay(float weightDecay) => weightDecay >= 0 && float.IsFinite(weightDecay)
        ? weightDecay
        : throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be non-negative and finite.");

    /// <summary>Returns <paramref name="state"/>, allocated (zeroed) when it is null; throws when it has another length.</summary>
    protected static float[] State(ref float[]? state, int length)
    {
        if (state is null)
        {
            state = new float[length];
        }
        else if (state.Length != length)
        {
            throw new ArgumentException(
                $"The optimizer holds state for {state.Length} parameters but was given {length}; call Reset() to use it on another network.");
        }

        return state;
    }
}

/// <summary>
/// Stochastic gradient descent, as PyTorch's <c>torch.optim.SGD</c> (dampening 0): with weight decay λ the gradient
/// is first <c>d = g + λ·p</c>; without momentum <c>p ← p − lr·d</c>; with momentum μ, <c>v ← μ·v + d</c> and
/// <c>p ← p − lr·v</c> (v starting at d), or with Nesterov momentum <c>p ← p − lr·(d + μ·v)</c>.
/// </summary>
public sealed class Sgd : Optimizer
{
    private float[]? _velocity;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">Step size lr.</param>
    /// <param name="momentum">μ in [0, 1); 0 for plain SGD.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs μ &gt; 0).</param>
    /// <param name="weightDecay">λ ≥ 0, the L2 penalty's coefficient, applied to biases too (as PyTorch).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public Sgd(float learningRate, float momentum = 0, bool nesterov = false, float weightDecay = 0)
        : base(learningRate)
    {
        if (!(momentum >= 0 && momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        }

        if (nesterov && momentum == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(nesterov), "Nesterov momentum needs a positive momentum.");
        }

        Momentum = momentum;
        Nesterov = nesterov;
        WeightDecay = CheckWeightDecay(weightDecay);
    }

    /// <summary>μ; 0 for plain SGD.</summary>
    public float Momentum { get; }

    /// <summary>Whether the update uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>λ, added to the gradient as λ·p.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant(
        $"SGD (lr {LearningRate:G}{(Momentum == 0 ? "" : $", momentum {Momentum:G}")}{(Nesterov ? ", Nesterov" : "")}{(WeightDecay == 0 ? "" : $", weight decay {WeightDecay:G}")})");

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, long step)
    {
        float lr = LearningRate, mu = Momentum, decay = WeightDecay;
        bool momentum = mu != 0, nesterov = Nesterov;
        Span<float> velocity = momentum ? State(ref _velocity, parameters.Length) : [];
        int start = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // The same operations in the same order as the scalar loop below, lane by lane, so both give the same bits.
            ref float p = ref MemoryMarshal.GetReference(parameters);
            ref float g = ref MemoryMarshal.GetReference(gradient);
            ref float v = ref MemoryMarshal.GetReference(velocity);
            Vector256<float> rate = Vector256.Create(lr), mus = Vector256.Create(mu), decays = Vector256.Create(decay);
            for (; start <= parameters.Length - Vector256<float>.Count; start += Vector256<float>.Count)
            {
                Vector256<float> pi = Vector256.LoadUnsafe(ref p, (nuint)start);
                Vector256<float> direction = Vector256.LoadUnsafe(ref g, (nuint)start) + (decays * pi);
                if (momentum)
                {
                    Vector256<float> vi = (mus * Vector256.LoadUnsafe(ref v, (nuint)start)) + direction;
                    vi.StoreUnsafe(ref v, (nuint)start);
                    direction = nesterov ? direction + (mus * vi) : vi;
                }

                (pi - (rate * direction)).StoreUnsafe(ref p, (nuint)start);
            }
        }

        for (int i = start; i < parameters.Length; i++)
        {
            float direction = gradient[i] + (decay * parameters[i]);
            if (momentum)
            {
                // PyTorch starts the buffer at the first gradient rather than at μ·0 + d; the two are equal.
                float vi = (mu * velocity[i]) + direction;
                velocity[i] = vi;
                direction = nesterov ? direction + (mu * vi) : vi;
            }

            parameters[i] -= lr * direction;
        }
    }

    /// <inheritdoc/>
    protected override void ResetState() => _velocity = null;
}

/// <summary>
/// Adam (Kingma and Ba, 2015), as PyTorch's <c>torch.optim.Adam</c>:
/// <c>m ← β1·m + (1 − β1)·g</c>, <c>v ← β2·v + (1 − β2)·g²</c>,
/// <c>p ← p − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)</c> at step t. With a weight decay λ it is AdamW
/// (Loshchilov and Hutter, 2019, PyTorch's <c>torch.optim.AdamW</c>): the decay is decoupled from the moments, each step
/// first shrinking the parameters to <c>p·(1 − lr·λ)</c>.
/// </summary>
public sealed class Adam : Optimizer
{
    private float[]? _first;
    private float[]? _second;

    /// <summary>Creates the optimizer with PyTorch's defaults for everything but the learning rate.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0)
        : base(learningRate)
    {
        WeightDecay = CheckWeightDecay(weightDecay);
        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β1 must be in [0, 1).");
        }

        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must be in [0, 1).");
        }

        if (!(epsilon > 0) || !float.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive and finite.");
        }

        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the first-moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second-moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>Added to the denominator.</summary>
    public float Epsilon { get; }

    /// <summary>λ, the decoupled weight decay (0: plain Adam).</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        FormattableString.Invariant(
            $"{(WeightDecay == 0 ? "Adam" : "AdamW")} (lr {LearningRate:G}, β1 {Beta1:G}, β2 {Beta2:G}, ε {Epsilon:G}{(WeightDecay == 0 ? "" : $", weight decay {WeightDecay:G}")})");

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, long step)
    {
        float[] m = State(ref _first, parameters.Length);
        float[] v = State(ref _second, parameters.Length);
        float beta1 = Beta1, beta2 = Beta2, epsilon = Epsilon;

        // The bias corrections in double once per step: β^t underflows gracefully and 1 − β^t keeps its digits.
        float stepSize = (float)(LearningRate / (1 - Math.Pow(beta1, step)));
        float secondCorrection = (float)(1 / Math.Sqrt(1 - Math.Pow(beta2, step)));
        float shrink = 1 - (LearningRate * WeightDecay);
        int start = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // The same operations in the same order as the scalar loop below, lane by lane, so both give the same bits.
            ref float p = ref MemoryMarshal.GetReference(parameters);
            ref float gr = ref MemoryMarshal.GetReference(gradient);
            ref float mr = ref MemoryMarshal.GetArrayDataReference(m);
            ref float vr = ref MemoryMarshal.GetArrayDataReference(v);
            Vector256<float> decay1 = Vector256.Create(beta1), keep1 = Vector256.Create(1 - beta1);
            Vector256<float> decay2 = Vector256.Create(beta2), keep2 = Vector256.Create(1 - beta2);
            Vector256<float> size = Vector256.Create(stepSize), correction = Vector256.Create(secondCorrection), floor = Vector256.Create(epsilon);
            Vector256<float> shrinks = Vector256.Create(shrink);
            for (; start <= parameters.Length - Vector256<float>.Count; start += Vector256<float>.Count)
            {
                Vector256<float> g = Vector256.LoadUnsafe(ref gr, (nuint)start);
                Vector256<float> first = (decay1 * Vector256.LoadUnsafe(ref mr, (nuint)start)) + (keep1 * g);
                Vector256<float> second = (decay2 * Vector256.LoadUnsafe(ref vr, (nuint)start)) + (keep2 * g * g);
                first.StoreUnsafe(ref mr, (nuint)start);
                second.StoreUnsafe(ref vr, (nuint)start);
                Vector256<float> change = size * first / ((Vector256.Sqrt(second) * correction) + floor);
                ((Vector256.LoadUnsafe(ref p, (nuint)start) * shrinks) - change).StoreUnsafe(ref p, (nuint)start);
            }
        }

        for (int i = start; i < parameters.Length; i++)
        {
            float g = gradient[i];
            float first = (beta1 * m[i]) + ((1 - beta1) * g);
            float second = (beta2 * v[i]) + ((1 - beta2) * g * g);
            m[i] = first;
            v[i] = second;
            parameters[i] = (parameters[i] * shrink) - (stepSize * first / ((MathF.Sqrt(second) * secondCorrection) + epsilon));
        }
    }

    /// <inheritdoc/>
    protected override void ResetState()
    {
        _first = null;
        _second = null;
    }
}
