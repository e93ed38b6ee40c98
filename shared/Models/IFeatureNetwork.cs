using static TorchSharp.torch;

namespace DeepLearningCourse.Models;

/// <summary>
/// What a <see cref="Backbone"/> needs from a network: a feature vector per image for transfer
/// learning, and named intermediate activations for style transfer.
/// </summary>
internal interface IFeatureNetwork
{
    /// <summary>Images [N, 3, H, W], normalised as the network expects, to features [N, width].</summary>
    Tensor Embed(Tensor input);

    /// <summary>Every name <see cref="Run"/> can return, in the order the network computes them.</summary>
    IReadOnlyList<string> LayerNames { get; }

    /// <summary>Runs the network only as far as needed and returns the activations named in <paramref name="wanted"/>.</summary>
    Dictionary<string, Tensor> Run(Tensor input, IReadOnlySet<string> wanted);
}
