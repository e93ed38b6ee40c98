using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepLearningCourse.Tests.Models;

/// <summary>
/// The convolutional autoencoders' layers on whatever kernels this CPU's oneDNN picks. A 4-channel convolution is
/// padded to a 16-channel block on AVX-512 (8 on AVX2), and oneDNN v3.7.1 read that padding unwritten: the input
/// gradient turned NaN within 70 steps, and the weight gradients were wrong. The library keeps oneDNN on SSE4.1
/// (OneDnnIsa), which these tests check; run them with ONEDNN_MAX_CPU_ISA set higher to try a CPU's faster kernels.
/// </summary>
[Trait("Category", "Reference")]
public class ConvolutionKernelTests
{
    public ConvolutionKernelTests() => TorchFixture.Ensure();

    sealed class Autoencoder : Module<Tensor, Tensor>
    {
        readonly Module<Tensor, Tensor> conv1 = Conv2d(1, 16, 3, padding: 1), conv2 = Conv2d(16, 4, 3, padding: 1);
        readonly Module<Tensor, Tensor> t_conv1 = ConvTranspose2d(4, 16, 2, stride: 2), t_conv2 = ConvTranspose2d(16, 1, 2, stride: 2);
        readonly Module<Tensor, Tensor> pool = MaxPool2d(2, 2);

        public Autoencoder() : base(nameof(Autoencoder)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            x = pool.call(functional.relu(conv1.call(x)));
            x = pool.call(functional.relu(conv2.call(x)));
            return functional.sigmoid(t_conv2.call(functional.relu(t_conv1.call(x))));
        }
    }

    [Fact]
    public void The_autoencoder_layers_train_300_steps_with_finite_gradients()
    {
        manual_seed(1);
        using var model = new Autoencoder();
        using var optimizer = optim.Adam(model.parameters(), 0.001);
        for (int step = 0; step < 300; step++)
        {
            using var scope = NewDisposeScope();
            var images = rand(20, 1, 28, 28);
            var loss = functional.mse_loss(model.call(images), images);
            optimizer.zero_grad();
            loss.backward();
            Assert.True(double.IsFinite(loss.item<float>()), $"the loss was {loss.item<float>()} at step {step}");
            foreach (var (name, parameter) in model.named_parameters())
                Assert.True(parameter.grad!.isfinite().all().item<bool>(), $"the gradient of {name} was not finite at step {step}");
            optimizer.step();
        }
    }

    [Fact]
    public void The_autoencoders_gradients_match_the_double_precision_reference()
    {
        manual_seed(2);
        using var model = new Autoencoder();
        using var reference = new Autoencoder();
        using (no_grad())
            foreach (var ((_, p), (_, r)) in model.named_parameters().Zip(reference.named_parameters())) r.copy_(p);
        reference.to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        var images = rand(20, 1, 28, 28);
        // float64 convolutions take ATen's own kernels, not oneDNN's: the plain path to compare with.
        functional.mse_loss(model.call(images), images).backward();
        var doubles = images.to(ScalarType.Float64);
        functional.mse_loss(reference.call(doubles), doubles).backward();
        foreach (var ((name, p), (_, r)) in model.named_parameters().Zip(reference.named_parameters()))
        {
            var expected = r.grad!;
            var difference = (p.grad!.to(ScalarType.Float64) - expected).abs().max().item<double>();
            var scale = expected.abs().max().item<double>();
            Assert.True(scale > 0, $"the reference gradient of {name} is zero");
            Assert.True(difference <= 1e-4 * scale + 1e-7, $"{name}: gradient max |diff| {difference:E2}, largest {scale:E2}");
        }
    }
}
