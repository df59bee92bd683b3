using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace SpecializedConv.Networks;

/// <summary>
/// Runs the items 0 … n−1 of a step on a fixed set of threads: the calling thread and <c>threads − 1</c> workers
/// started once, each taking the next unclaimed item until none is left. Which thread runs an item varies from step
/// to step; what an item computes must not depend on it. Nothing is allocated per step.
/// </summary>
internal sealed class ShardRunner : IDisposable
{
    private readonly Action<int> _work;
    private readonly Thread[] _workers;
    private readonly long[] _workerAllocatedBytes;
    private readonly object _gate = new();
    private long _generation;
    private int _items;
    private int _next;
    private int _busyWorkers;
    private Exception? _failure;
    private bool _disposed;

    public ShardRunner(int threads, Action<int> work)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        _work = work;
        _workers = new Thread[threads - 1];
        _workerAllocatedBytes = new long[_workers.Length];
        for (int i = 0; i < _workers.Length; i++)
        {
            int worker = i;
            _workers[i] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"SpecializedConv shard worker {i + 1}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads that run items, the caller's included.</summary>
    public int Threads => _workers.Length + 1;

    /// <summary>
    /// What the worker threads have allocated since they started, as of the end of the last <see cref="Run"/>. With
    /// the calling thread's <see cref="GC.GetAllocatedBytesForCurrentThread"/> it counts a step's allocations on
    /// exactly the threads that ran it, whatever other threads of the process allocate meanwhile.
    /// </summary>
    internal long WorkerAllocatedBytes
    {
        get
        {
            // Each worker writes its count before it reports done under the lock that Run waits on, so after Run the
            // counts are current.
            long total = 0;
            foreach (long bytes in _workerAllocatedBytes)
            {
                total += bytes;
            }

            return total;
        }
    }

    /// <summary>Runs items 0 … <paramref name="items"/>−1 and returns when all are done; rethrows the first failure.</summary>
    public void Run(int items)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _items = items;
        _next = 0;
        _failure = null;
        if (_workers.Length > 0)
        {
            lock (_gate)
            {
                _busyWorkers = _workers.Length;
                _generation++;
                Monitor.PulseAll(_gate);
            }
        }

        Drain();
        if (_workers.Length > 0)
        {
            lock (_gate)
            {
                while (_busyWorkers > 0)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        if (_failure is not null)
        {
            ExceptionDispatchInfo.Capture(_failure).Throw();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Drain()
    {
        int item;
        while ((item = Interlocked.Increment(ref _next) - 1) < _items)
        {
            try
            {
                _work(item);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _failure, exception, null);
            }
        }
    }

    private void WorkerLoop(int worker)
    {
        long seen = 0;
        while (true)
        {
            lock (_gate)
            {
                while (_generation == seen && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (_disposed)
                {
                    return;
                }

                seen = _generation;
            }

            Drain();
            _workerAllocatedBytes[worker] = GC.GetAllocatedBytesForCurrentThread();
            lock (_gate)
            {
                if (--_busyWorkers == 0)
                {
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }
}
