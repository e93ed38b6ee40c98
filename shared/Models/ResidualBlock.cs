using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepLearningCourse.Models;

/// <summary>
/// ResNet's basic block: two 3×3 convolutions with batch norm, added to a shortcut that is the
/// input itself or, where the block changes width or resolution, a strided 1×1 convolution.
/// Parameter names follow torchvision (<c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c>, <c>downsample</c>).
/// </summary>
internal sealed class ResidualBlock : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> conv1, bn1, conv2, bn2;
    readonly Module<Tensor, Tensor>? downsample;

    public ResidualBlock(long inChannels, long outChannels, long stride) : base(nameof(ResidualBlock))
    {
        conv1 = Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(outChannels);
        conv2 = Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
            downsample = Sequential(Conv2d(inChannels, outChannels, kernel_size: 1, stride: stride, bias: false), BatchNorm2d(outChannels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = functional.relu(bn1.call(conv1.call(input)));
        x = bn2.call(conv2.call(x));
        var shortcut = downsample is null ? input : downsample.call(input);
        return functional.relu(x + shortcut).MoveToOuterDisposeScope();
    }
}
