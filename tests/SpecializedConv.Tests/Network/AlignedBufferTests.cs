using System;
using System.Runtime.InteropServices;
using SpecializedConv.Networks;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>
/// <see cref="AlignedBuffer"/> hands out zeroed buffers of exactly the length asked for, on a 64-byte boundary that
/// does not move, and the network runtime runs its layers in such buffers.
/// </summary>
public sealed class AlignedBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(1023)]
    [InlineData(30_000)] // 120 KB: past the large-object threshold of an ordinary array
    public void Allocate_starts_on_a_64_byte_boundary_with_the_length_asked_for(int length)
    {
        // Many in a row: the GC places consecutive arrays at every 8-byte offset, so one lucky allocation proves nothing.
        for (int i = 0; i < 64; i++)
        {
            ArraySegment<float> buffer = AlignedBuffer.Allocate(length);

            Assert.Equal(length, buffer.Count);
            Assert.Equal(0, AddressOf(buffer) % AlignedBuffer.Alignment);
            Assert.All(buffer, value => Assert.Equal(0f, value));
        }
    }

    [Fact]
    public void A_buffer_stays_on_its_boundary_after_garbage_collections()
    {
        ArraySegment<float> buffer = AlignedBuffer.Allocate(100);
        long address = AddressOf(buffer);
        for (int i = 0; i < 3; i++)
        {
            _ = new float[10_000];
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        Assert.Equal(address, AddressOf(buffer));
    }

    [Fact]
    public void Allocate_rejects_a_negative_length()
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => AlignedBuffer.Allocate(-1));
        Assert.Equal("length", error.ParamName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_network_runs_its_layers_in_aligned_buffers(bool training)
    {
        using SequentialNetwork network = TestNetworks.LeNet();
        var workspace = new Workspace(network, capacity: 3, training);

        Assert.All(workspace.Outputs, output => Assert.Equal(0, AddressOf(output) % AlignedBuffer.Alignment));
        if (training)
        {
            Assert.Equal(0, AddressOf(workspace.Input) % AlignedBuffer.Alignment);
            Assert.Equal(0, AddressOf(workspace.GradientA) % AlignedBuffer.Alignment);
            Assert.Equal(0, AddressOf(workspace.GradientB) % AlignedBuffer.Alignment);
            Assert.Equal(0, AddressOf(workspace.ParameterGradient) % AlignedBuffer.Alignment);
        }
    }

    private static long AddressOf(ArraySegment<float> buffer) =>
        Marshal.UnsafeAddrOfPinnedArrayElement(buffer.Array!, buffer.Offset);
}
