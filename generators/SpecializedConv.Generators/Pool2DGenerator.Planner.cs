using System;
using System.Collections.Generic;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

public sealed partial class Pool2DGenerator
{
    /// <summary>
    /// Decides the packed layout, the column blocking and whether the window is unrolled. All arithmetic is checked:
    /// Diagnostics has already bounded the sizes, so an overflow here is a bug, not a user error.
    /// </summary>
    internal static class Planner
    {
        private const int Lanes = Blocking.Lanes;

        /// <summary>Windows up to 8×8 are unrolled; larger ones (global pooling) are looped over, keeping the method small.</summary>
        private const int MaxUnrolledTaps = 64;

        /// <summary>
        /// Pooling reuses nothing between vectors, so blocking only buys independent dependency chains (compare, then two
        /// selects, per tap); four chains cover the latency, and more would cost registers (two per vector for max pooling).
        /// </summary>
        private const int MaxVectorBlock = 4;

        /// <summary>
        /// Column phases of the packed input: the stride, so that adjacent outputs read adjacent floats; or 1 when a row has
        /// one output, since then no window is ever a stride away from another (the vector's other lanes are computed but
        /// not stored). Only a row of one output can have a stride beyond the padded input, so the packed rows stay a small
        /// multiple of the padded input's width whatever the stride.
        /// </summary>
        public static int ColumnPhases(long outWidth, int stride) => outWidth == 1 ? 1 : stride;

        public static Pool2DPlan Plan(LayerTypeInfo type, Pool2DLayerShape s)
        {
            checked
            {
                int st = s.Stride, k = s.Size;
                bool partialStore = s.OutWidth < Lanes;
                int vectorBlock = partialStore ? 1 : Math.Min(MaxVectorBlock, s.OutWidth / Lanes);
                int blockColumns = vectorBlock * Lanes;
                int columnBlocks = (s.OutWidth + blockColumns - 1) / blockColumns;
                bool clamp = !partialStore && s.OutWidth % blockColumns != 0;

                // The input padded on every side and split into column phases (x mod phases), as Conv2D packs it: output
                // column j at window column c then reads phase c mod phases at j + c div phases, so 8 adjacent outputs
                // read 8 adjacent floats. Rows and phases are wide enough for the last (possibly partial) vector.
                int phases = ColumnPhases(s.OutWidth, st);
                int lastReadColumn = Math.Max(s.OutWidth, blockColumns) - 1 + ((k - 1) / phases);
                int lastWrittenColumn = (s.InWidth - 1 + s.Padding) / phases;
                int lastReadRow = ((s.OutHeight - 1) * st) + k - 1;
                int lastWrittenRow = s.InHeight - 1 + s.Padding;
                var pack = new PackPlan(
                    s.Channels,
                    phases,
                    Math.Max(lastReadRow, lastWrittenRow) + 1,
                    Math.Max(lastReadColumn, lastWrittenColumn) + 1,
                    s.Padding,
                    s.Padding);

                var taps = new List<PoolTapPlan>();
                if (s.WindowArea <= MaxUnrolledTaps)
                {
                    for (int r = 0; r < k; r++)
                    {
                        for (int c = 0; c < k; c++)
                        {
                            taps.Add(new PoolTapPlan(r, c, (c % phases * pack.PhasePitch) + (r * pack.RowPitch) + (c / phases), (r * s.InWidth) + c));
                        }
                    }
                }

                bool firstTapStarts = taps.Count > 0 && (s.Kind == PoolKind.Average || s.Padding == 0);

                // LeNet's pooling: its backward pass was a clear and a scatter, one scalar add per output, slower than the
                // forward pass; written cell by cell, eight at a time, it is a few instructions per eight cells.
                bool tiled = s.Kind == PoolKind.Max && k == 2 && st == 2 && s.Padding == 0 && s.InHeight % 2 == 0 && s.InWidth % 2 == 0 && s.InWidth >= Lanes;

                // Its forward pass too: packing the input took as long as pooling it. Rows of 5–7 outputs keep the packing.
                bool tiledForward = tiled && (s.OutWidth >= Lanes || (s.OutWidth == Lanes / 2 && s.Channels * s.OutHeight % 2 == 0));
                return new Pool2DPlan(type, s, pack, vectorBlock, columnBlocks, partialStore, clamp, taps.ToEquatableArray(), firstTapStarts, tiledForward, tiled);
            }
        }
    }
}
