using System.Collections;
using TorchSharp;

namespace DeepLearningCourse;

/// <summary>
/// A tensor's sizes, printed the way PyTorch prints <c>torch.Size</c>: <c>[64, 1, 28, 28]</c>.
/// TorchSharp's <c>shape</c> is a bare <c>long[]</c>, which prints as <c>System.Int64[]</c>.
/// </summary>
/// <param name="Dims">The size of each dimension, outermost first.</param>
public readonly record struct TensorShape(long[] Dims) : IEnumerable<long>
{
    long[] Sizes => Dims ?? [];

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Length => Sizes.Length;

    /// <summary>The size of dimension <paramref name="dimension"/>; <c>shape[^1]</c> is the last.</summary>
    public long this[int dimension] => Sizes[dimension];

    /// <summary>The sizes as TorchSharp takes them, e.g. for <c>view</c> or <c>zeros</c>.</summary>
    public static implicit operator long[](TensorShape shape) => [.. shape.Sizes];

    /// <summary>Equal when the sizes are, dimension by dimension.</summary>
    public bool Equals(TensorShape other) => Sizes.SequenceEqual(other.Sizes);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var size in Sizes) hash.Add(size);
        return hash.ToHashCode();
    }

    /// <summary><c>[64, 1, 28, 28]</c>; <c>[]</c> for a scalar.</summary>
    public override string ToString() => $"[{string.Join(", ", Sizes)}]";

    /// <inheritdoc/>
    public IEnumerator<long> GetEnumerator() => ((IEnumerable<long>)Sizes).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>The <see cref="TensorShape"/> of a tensor.</summary>
public static class TensorShapeExtensions
{
    /// <summary>The tensor's sizes in a form that prints as PyTorch does: <c>x.Shape()</c> → <c>[64, 1, 28, 28]</c>.</summary>
    public static TensorShape Shape(this torch.Tensor tensor) => new(tensor.shape);
}
