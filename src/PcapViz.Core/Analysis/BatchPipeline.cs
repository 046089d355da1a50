using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace PcapViz.Core.Analysis;

internal delegate void BatchConsumer<T>(ReadOnlySpan<T> batch);

/// <summary>
/// Carries records from the thread that makes them to one consumer, in batches and in order, so two stages of a
/// sequential job run on two cores while the result stays exactly what one thread would have produced.
/// </summary>
/// <remarks>
/// The consumer thread starts at the first full batch, so a job smaller than one batch is consumed on the producing
/// thread and never pays for a thread. Batches live in a ring of a few, rented from the shared array pool and reused,
/// so nothing is allocated per record or per batch. A failure of the consumer cancels the producer's next wait and is
/// rethrown on the producing thread; a failure or cancellation of the producer stops the consumer in
/// <see cref="Dispose"/>, which waits for it to end.
/// </remarks>
internal sealed class BatchPipeline<T> : IDisposable where T : struct
{
    private readonly BatchConsumer<T> _consume;
    private readonly CancellationToken _cancellation;
    private readonly int _batchLength;
    private readonly T[]?[] _ring;
    private readonly int[] _lengths;

    // The producer's side.
    private T[] _filling;
    private int _fillingSlot;
    private int _count;
    private bool _joined;
    private bool _disposed;

    // Set when the consumer thread starts.
    private Thread? _consumer;
    /// <summary>One count per batch handed over, and one more from <see cref="Complete"/> for the end.</summary>
    private SemaphoreSlim? _handedOver;
    private SemaphoreSlim? _freeSlots;
    /// <summary>The caller's cancellation, or the consumer's failure, or the producer giving up.</summary>
    private CancellationTokenSource? _stop;
    private int _batchesHandedOver;

    // The consumer's side.
    private int _consumingSlot;
    private int _batchesConsumed;
    private ExceptionDispatchInfo? _failure;

    public BatchPipeline(BatchConsumer<T> consume, int batchLength, int ringLength, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ringLength, 2);
        _consume = consume;
        _cancellation = cancellation;
        _batchLength = batchLength;
        _ring = new T[ringLength][];
        _lengths = new int[ringLength];
        _filling = _ring[0] = ArrayPool<T>.Shared.Rent(batchLength);
    }

    /// <summary>The slot of the next record. Pooled batches hold old records: the caller writes every field before calling again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Next()
    {
        if (_count == _batchLength)
            Submit();
        return ref _filling[_count++];
    }

    /// <summary>Consumes the records still in hand and returns once every record has been consumed; rethrows what stopped the consumer.</summary>
    public void Complete()
    {
        if (_consumer is null)
        {
            _consume(_filling.AsSpan(0, _count));
            _count = 0;
            return;
        }
        if (_count > 0)
            HandOver();
        _count = 0;
        _handedOver!.Release();
        _consumer.Join();
        _joined = true;
        Volatile.Read(ref _failure)?.Throw();
        // The consumer leaves batches behind only when stopped, and nothing but cancellation stops it here.
        if (_batchesConsumed != _batchesHandedOver)
            _cancellation.ThrowIfCancellationRequested();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_consumer is not null)
        {
            if (!_joined)
            {
                _stop!.Cancel();
                _consumer.Join();
            }
            _stop!.Dispose();
            _handedOver!.Dispose();
            _freeSlots!.Dispose();
        }
        foreach (var batch in _ring)
        {
            if (batch is not null)
                ArrayPool<T>.Shared.Return(batch);
        }
    }

    private void Submit()
    {
        if (_consumer is null)
            StartConsumer();
        HandOver();
        try
        {
            _freeSlots!.Wait(_stop!.Token);
        }
        catch (OperationCanceledException)
        {
            Volatile.Read(ref _failure)?.Throw();
            _cancellation.ThrowIfCancellationRequested();
            throw;
        }
        // Slots are filled and consumed in ring order, so the free one is always the next.
        _fillingSlot = (_fillingSlot + 1) % _ring.Length;
        _filling = _ring[_fillingSlot]!;
        _count = 0;
    }

    private void HandOver()
    {
        _lengths[_fillingSlot] = _count;
        // Published by the release: the consumer reads both only after taking its count.
        Volatile.Write(ref _batchesHandedOver, _batchesHandedOver + 1);
        _handedOver!.Release();
    }

    private void StartConsumer()
    {
        for (int slot = 1; slot < _ring.Length; slot++)
            _ring[slot] = ArrayPool<T>.Shared.Rent(_batchLength);
        _handedOver = new SemaphoreSlim(0);
        _freeSlots = new SemaphoreSlim(_ring.Length - 1);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        _consumingSlot = _fillingSlot;
        var consumer = new Thread(ConsumeHandedOverBatches) { IsBackground = true, Name = "PcapViz flows" };
        consumer.Start();
        _consumer = consumer;
    }

    private void ConsumeHandedOverBatches()
    {
        try
        {
            while (true)
            {
                _handedOver!.Wait(_stop!.Token);
                // A count with no batch behind it is the end: Complete hands over its last batch before it.
                if (_batchesConsumed == Volatile.Read(ref _batchesHandedOver))
                    return;
                _consume(_ring[_consumingSlot].AsSpan(0, _lengths[_consumingSlot]));
                _batchesConsumed++;
                _consumingSlot = (_consumingSlot + 1) % _ring.Length;
                _freeSlots!.Release();
            }
        }
        catch (OperationCanceledException) when (_stop!.IsCancellationRequested)
        {
            // Cancelled, or the producer gave up: the producer knows why and reports it.
        }
        catch (Exception e)
        {
            // An exception escaping a thread ends the process; the producer rethrows it instead.
            Volatile.Write(ref _failure, ExceptionDispatchInfo.Capture(e));
            _stop!.Cancel();
        }
    }
}
