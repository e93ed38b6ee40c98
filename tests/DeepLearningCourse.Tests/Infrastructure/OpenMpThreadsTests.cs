using DeepLearningCourse.Data;
using DeepLearningCourse.Infrastructure.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Infrastructure;

/// <summary>The library's helper threads run their tensor operations on one OpenMP thread each (see OpenMpThreads).</summary>
[Collection(ProcessWideState.Name)]
public class OpenMpThreadsTests
{
    public OpenMpThreadsTests() => TorchFixture.Ensure();

    /// <summary>A dataset that notes how many threads torch's operations would use on the thread that makes its samples.</summary>
    sealed class ThreadProbe(bool prefetchPays) : utils.data.Dataset, IBatchedDataset
    {
        public List<int> Seen { get; } = [];

        public override long Count => 8;

        public override Dictionary<string, Tensor> GetTensor(long index)
        {
            lock (Seen) Seen.Add(get_num_threads());
            return new() { ["data"] = zeros(2), ["label"] = tensor(0L) };
        }

        public Dictionary<string, Tensor> GetBatch(long[] indices)
        {
            lock (Seen) Seen.Add(get_num_threads());
            return new() { ["data"] = zeros(indices.Length, 2), ["label"] = zeros(indices.Length, ScalarType.Int64) };
        }

        public bool PrefetchPays => prefetchPays;
    }

    // Only a dataset that says it is batched is asked for batches; the other is asked sample by sample.
    sealed class SampleProbe : utils.data.Dataset
    {
        public ThreadProbe Probe { get; } = new(prefetchPays: false);
        public override long Count => Probe.Count;
        public override Dictionary<string, Tensor> GetTensor(long index) => Probe.GetTensor(index);
    }

    static void WithTwoThreads(Action test)
    {
        var threads = get_num_threads();
        set_num_threads(2);
        try { test(); }
        finally { set_num_threads(threads); }
    }

    [Fact]
    public void The_library_can_set_a_threads_OpenMP_thread_count_here()
    {
        // On Linux, libtorch uses GNU OpenMP; without this the tests below would pass for want of the setting.
        Assert.Equal(OperatingSystem.IsLinux(), OpenMpThreads.Available);
    }

    [Fact]
    public void A_prefetching_loader_makes_batches_on_one_thread_and_leaves_the_callers_threads_as_they_were() => WithTwoThreads(() =>
    {
        var probe = new ThreadProbe(prefetchPays: true);
        foreach (var _ in new DataLoader(probe, 2, prefetch: true)) { }

        Assert.Equal(4, probe.Seen.Count);
        Assert.All(probe.Seen, threads => Assert.Equal(1, threads));
        Assert.Equal(2, get_num_threads());
    });

    [Fact]
    public void Samples_made_on_worker_threads_use_one_thread_each_and_the_caller_keeps_its_own() => WithTwoThreads(() =>
    {
        var samples = new SampleProbe();
        foreach (var _ in new DataLoader(samples, 4, workers: 2, prefetch: false)) { }

        Assert.Equal(8, samples.Probe.Seen.Count);
        Assert.All(samples.Probe.Seen, threads => Assert.Equal(1, threads));
        Assert.Equal(2, get_num_threads());
    });

    [Fact]
    public void Without_prefetching_batches_are_made_on_the_callers_thread_with_its_threads() => WithTwoThreads(() =>
    {
        var probe = new ThreadProbe(prefetchPays: true);
        foreach (var _ in new DataLoader(probe, 2, prefetch: false)) { }

        Assert.All(probe.Seen, threads => Assert.Equal(2, threads));
    });
}
