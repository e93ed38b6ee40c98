using static TorchSharp.torch;

namespace DeepLearningCourse.Infrastructure;

/// <summary>Moving a tensor to a device only when it is not there already.</summary>
static class TensorPlacement
{
    /// <summary>
    /// <paramref name="tensor"/> itself when it is already on <paramref name="device"/>, otherwise a copy there:
    /// TorchSharp's <c>to</c> makes a new tensor even when nothing moves, a cost paid per batch in a training loop.
    /// </summary>
    public static Tensor On(this Tensor tensor, Device device) =>
        tensor.device_type == device.type && tensor.device_index == device.index ? tensor : tensor.to(device);
}
