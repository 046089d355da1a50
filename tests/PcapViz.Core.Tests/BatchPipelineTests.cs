using PcapViz.Core.Analysis;

namespace PcapViz.Core.Tests;

public sealed class BatchPipelineTests
{
    /// <summary>A wait that only a hang would exceed: these tests pin behaviour, never speed.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    /// <summary>Pushes 0 to <paramref name="records"/> - 1 through a pipeline; returns what arrived and on which threads.</summary>
    private static (List<int> Consumed, HashSet<int> Threads) Pipe(int records, int batchLength)
    {
        var consumed = new List<int>();
        var threads = new HashSet<int>();
        using (var pipeline = new BatchPipeline<int>(batch =>
        {
            threads.Add(Environment.CurrentManagedThreadId);
            consumed.AddRange(batch.ToArray());
        }, batchLength, ringLength: 3, CancellationToken.None))
        {
            for (int i = 0; i < records; i++)
                pipeline.Next() = i;
            pipeline.Complete();
        }
        return (consumed, threads);
    }

    [Fact]
    public void Records_reach_the_consumer_thread_complete_and_in_order()
    {
        var (consumed, threads) = Pipe(records: 10_000, batchLength: 7);

        Assert.Equal(Enumerable.Range(0, 10_000), consumed);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, threads);
    }

    [Fact]
    public void Fewer_records_than_a_batch_are_consumed_on_the_calling_thread()
    {
        var (consumed, threads) = Pipe(records: 16, batchLength: 16);

        Assert.Equal(Enumerable.Range(0, 16), consumed);
        Assert.Equal([Environment.CurrentManagedThreadId], threads);
    }

    [Fact]
    public void A_consumer_failure_is_rethrown_to_the_producer_and_its_thread_ends()
    {
        Thread? consumerThread = null;
        int batches = 0;
        var pipeline = new BatchPipeline<int>(_ =>
        {
            consumerThread = Thread.CurrentThread;
            if (++batches == 3)
                throw new InvalidDataException("third batch");
        }, batchLength: 5, ringLength: 3, CancellationToken.None);

        void ProduceUntilStopped()
        {
            using (pipeline)
            {
                // Bounded by the ring: once the consumer stops, no slot comes free again and the producer's wait is cancelled.
                while (true)
                    pipeline.Next() = 1;
            }
        }

        var thrown = Assert.Throws<InvalidDataException>(ProduceUntilStopped);

        Assert.Equal("third batch", thrown.Message);
        Assert.NotNull(consumerThread);
        Assert.False(consumerThread.IsAlive);
    }

    [Fact]
    public void A_failure_of_the_producer_stops_and_joins_the_consumer_on_dispose()
    {
        Thread? consumerThread = null;
        var pipeline = new BatchPipeline<int>(_ => consumerThread = Thread.CurrentThread, batchLength: 5, ringLength: 4, CancellationToken.None);

        void ProduceThenFail()
        {
            using (pipeline)
            {
                for (int i = 0; i < 100; i++)
                    pipeline.Next() = i;
                throw new IOException("the producer gives up without completing");
            }
        }

        Assert.Throws<IOException>(ProduceThenFail);

        // Left alone, the consumer would wait for the next batch forever: only Dispose ends it.
        Assert.NotNull(consumerThread);
        Assert.False(consumerThread.IsAlive);
    }

    [Fact]
    public void Cancellation_releases_a_producer_waiting_on_a_full_ring()
    {
        using var cancellation = new CancellationTokenSource();
        using var consumerEntered = new ManualResetEventSlim();
        using var consumerMayFinish = new ManualResetEventSlim();
        Thread? consumerThread = null;
        var producer = Task.Run(() =>
        {
            using var pipeline = new BatchPipeline<int>(_ =>
            {
                consumerThread = Thread.CurrentThread;
                consumerEntered.Set();
                consumerMayFinish.Wait();
            }, batchLength: 4, ringLength: 2, cancellation.Token);
            // The consumer holds the first batch, so the producer soon waits for a free slot that never comes.
            for (int i = 0; ; i++)
                pipeline.Next() = i;
        });

        Assert.True(consumerEntered.Wait(HangGuard));
        cancellation.Cancel();
        // Dispose waits for the consumer to leave its batch; it then stops without taking another.
        consumerMayFinish.Set();

        var thrown = Assert.ThrowsAny<AggregateException>(() => producer.Wait(HangGuard));
        var canceled = Assert.IsAssignableFrom<OperationCanceledException>(thrown.InnerException);
        Assert.Equal(cancellation.Token, canceled.CancellationToken);
        Assert.NotNull(consumerThread);
        Assert.False(consumerThread.IsAlive);
    }
}
