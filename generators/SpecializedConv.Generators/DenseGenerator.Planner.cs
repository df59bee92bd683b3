using System;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

public sealed partial class DenseGenerator
{
    /// <summary>
    /// Decides the register blocking of each pass with the same kind of cost model as the Conv2D planner: per step,
    /// FMAs issue two a cycle, loads and broadcasts two a cycle, and a step lasts at least as long as twelve FMAs (see
    /// <see cref="MinCyclesPerStep"/>); edge blocks that overlap count as wasted work.
    /// </summary>
    internal static class Planner
    {
        private const int Lanes = Blocking.Lanes;

        /// <summary>x64 has 16 vector registers; accumulators, the operands kept across a step and one temporary must fit.</summary>
        private const int VectorRegisters = 16;

        private const int MaxAccumulators = 12;

        /// <summary>Samples per block: each sample block reloads the weights once, so blocking samples divides weight traffic.</summary>
        private const int MaxSampleBlock = 4;

        private const int MaxVectorBlock = 4;

        /// <summary>
        /// Fewest cycles a step takes, however few its accumulators: each accumulator's FMA waits for its previous one
        /// (4 cycles). Eight accumulators cover that on paper (4 cycles × 2 FMA pipes), but LeNet's 256 → 120 backward-data
        /// ran 1.3–1.5× faster with 4 samples × 3 vectors (twelve) than with 2 × 4 (Intel Xeon, 2026-12-03), as the
        /// Conv2D planner's blocks did; so a step costs at least what twelve FMAs take.
        /// </summary>
        private const double MinCyclesPerStep = 6;

        /// <summary>Cycles to reduce one accumulator to a float (three shuffles and adds) and store it.</summary>
        private const double ReductionCost = 4;

        /// <summary>
        /// The batch backward-weights is planned for: it loops over the samples, which the generator cannot know. Training
        /// batches are tens of samples; the choice only moves between blockings of similar cost for other batches.
        /// </summary>
        private const int AssumedBatch = 32;

        public static DensePlan Plan(LayerTypeInfo type, DenseLayerShape s)
        {
            checked
            {
                bool vectorized = s.Inputs >= Lanes;
                int steps = Ceiling(s.Inputs, Lanes);
                DenseForwardKernel forward = ChooseForward(s, steps, MaxSampleBlock);
                DenseForwardKernel? forwardRemainder = forward.SampleBlock > 1 ? ChooseForward(s, steps, 1) : null;
                DenseDataKernel data = ChooseData(s, MaxSampleBlock);
                DenseDataKernel? dataRemainder = data.SampleBlock > 1 ? ChooseData(s, 1) : null;
                return new DensePlan(
                    type,
                    s,
                    vectorized,
                    s.Inputs % Lanes,
                    forward,
                    forwardRemainder,
                    data,
                    dataRemainder,
                    ChooseWeights(s));
            }
        }

        /// <summary>
        /// Forward: nb samples × ob outputs per block. Per input vector: nb input loads (kept in registers), ob weight
        /// loads and nb·ob FMAs; then nb·ob reductions per block.
        /// </summary>
        private static DenseForwardKernel ChooseForward(DenseLayerShape s, int steps, int maxSamples)
        {
            (int Samples, int Outputs) best = (1, 1);
            double bestCost = double.MaxValue;
            for (int nb = 1; nb <= maxSamples; nb++)
            {
                for (int ob = 1; ob <= Math.Min(s.Outputs, MaxAccumulators); ob++)
                {
                    int accumulators = nb * ob;
                    if (accumulators > MaxAccumulators || accumulators + nb + 1 > VectorRegisters)
                    {
                        continue;
                    }

                    double perStep = Math.Max(MinCyclesPerStep, Math.Max(accumulators / 2.0, (nb + ob) / 2.0));
                    double cost = Ceiling(s.Outputs, ob) * ((steps * perStep) + (accumulators * ReductionCost)) / nb;
                    if (Better(cost, accumulators, bestCost, best.Samples * best.Outputs))
                    {
                        (best, bestCost) = ((nb, ob), cost);
                    }
                }
            }

            return new DenseForwardKernel(best.Samples == 1 ? "ForwardSample" : $"ForwardSamples{best.Samples}", best.Samples, best.Outputs);
        }

        /// <summary>
        /// Backward-data: nb samples × jb input vectors per block. Per output: jb weight loads (kept), nb gradient
        /// broadcasts and nb·jb FMAs; the accumulators are stored, not reduced.
        /// </summary>
        private static DenseDataKernel ChooseData(DenseLayerShape s, int maxSamples)
        {
            (int Samples, int Vectors) best = (1, 1);
            double bestCost = double.MaxValue;
            for (int nb = 1; nb <= maxSamples; nb++)
            {
                for (int jb = 1; jb <= Math.Min(MaxVectorBlock, Math.Max(1, s.Inputs / Lanes)); jb++)
                {
                    int accumulators = nb * jb;
                    if (accumulators > MaxAccumulators || accumulators + jb + 1 > VectorRegisters)
                    {
                        continue;
                    }

                    double perStep = Math.Max(MinCyclesPerStep, Math.Max(accumulators / 2.0, (nb + jb) / 2.0));
                    double cost = Ceiling(s.Inputs, jb * Lanes) * ((s.Outputs * perStep) + accumulators) / nb;
                    if (Better(cost, accumulators, bestCost, best.Samples * best.Vectors))
                    {
                        (best, bestCost) = ((nb, jb), cost);
                    }
                }
            }

            return new DenseDataKernel(best.Samples == 1 ? "BackwardDataSample" : $"BackwardDataSamples{best.Samples}", best.Samples, best.Vectors);
        }

        /// <summary>
        /// Backward-weights: ob weight rows × jb input vectors per block. Per sample: jb input loads (kept), ob gradient
        /// broadcasts and ob·jb FMAs; the accumulators are stored once, after the last sample.
        /// </summary>
        private static DenseWeightsKernel ChooseWeights(DenseLayerShape s)
        {
            (int Outputs, int Vectors) best = (1, 1);
            double bestCost = double.MaxValue;
            for (int ob = 1; ob <= Math.Min(s.Outputs, MaxAccumulators); ob++)
            {
                for (int jb = 1; jb <= Math.Min(MaxVectorBlock, Math.Max(1, s.Inputs / Lanes)); jb++)
                {
                    int accumulators = ob * jb;
                    if (accumulators > MaxAccumulators || accumulators + jb + 1 > VectorRegisters)
                    {
                        continue;
                    }

                    double perStep = Math.Max(MinCyclesPerStep, Math.Max(accumulators / 2.0, (ob + jb) / 2.0));
                    double blocks = (double)Ceiling(s.Outputs, ob) * Ceiling(s.Inputs, jb * Lanes);
                    double cost = blocks * ((AssumedBatch * perStep) + accumulators);
                    if (Better(cost, accumulators, bestCost, best.Outputs * best.Vectors))
                    {
                        (best, bestCost) = ((ob, jb), cost);
                    }
                }
            }

            return new DenseWeightsKernel(best.Outputs, best.Vectors);
        }

        /// <summary>Cheaper wins; between equal costs, more accumulators (more independent work for the out-of-order core).</summary>
        private static bool Better(double cost, int accumulators, double bestCost, int bestAccumulators) =>
            cost < bestCost - 1e-9 || (Math.Abs(cost - bestCost) < 1e-9 && accumulators > bestAccumulators);

        private static int Ceiling(int value, int divisor) => (value + divisor - 1) / divisor;
    }
}
