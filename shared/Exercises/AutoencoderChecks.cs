using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;

namespace DeepLearningCourse.Exercises;

/// <summary>
/// The checks of Section 3's autoencoder exercises (Lessons 7, 8, 8b and 9): the networks and their
/// training loops. A network is checked layer by layer (each layer of the lesson's table gets an input
/// of the table's size, and its output size names the likely mistake), then as a whole against the same
/// layers composed by the library. A training loop is checked by measuring the trained model itself.
/// </summary>
public static class AutoencoderChecks
{
    /// <summary>One row of a lesson's table: a layer by name, its channels, kernel, and the sizes it maps.</summary>
    sealed record LayerSpec(string Name, bool Transposed, long In, long Out, long Kernel, long InSize, long OutSize);

    /// <summary>
    /// A convolutional autoencoder as the lessons draw it: encoder layers each followed by ReLU and
    /// <c>pool</c>, decoder layers (optionally each after a nearest-neighbour upsampling) with ReLU
    /// between them and a sigmoid after the last.
    /// </summary>
    sealed record Architecture(string Title, LayerSpec[] Encoder, LayerSpec[] Decoder, bool Upsample);

    static readonly Architecture Transposed = new("Lesson 8's network",
        [new("conv1", false, 1, 16, 3, 28, 28), new("conv2", false, 16, 4, 3, 14, 14)],
        [new("t_conv1", true, 4, 16, 2, 7, 14), new("t_conv2", true, 16, 1, 2, 14, 28)],
        Upsample: false);

    static readonly Architecture Upsampling = new("the upsampling network",
        [new("conv1", false, 1, 16, 3, 28, 28), new("conv2", false, 16, 4, 3, 14, 14)],
        [new("conv4", false, 4, 16, 3, 14, 14), new("conv5", false, 16, 1, 3, 28, 28)],
        Upsample: true);

    static readonly Architecture Denoising = new("the denoiser",
        [new("conv1", false, 1, 32, 3, 28, 28), new("conv2", false, 32, 16, 3, 14, 14), new("conv3", false, 16, 8, 3, 7, 7)],
        [new("t_conv1", true, 8, 8, 3, 3, 7), new("t_conv2", true, 8, 16, 2, 7, 14), new("t_conv3", true, 16, 32, 2, 14, 28), new("conv_out", false, 32, 1, 3, 28, 28)],
        Upsample: false);

    /// <summary>Lesson 7: a <c>Linear</c> encoder 784 → <paramref name="encodingDim"/> with ReLU, a <c>Linear</c> decoder back to 784 with a sigmoid.</summary>
    /// <param name="model">A new instance of the learner's <c>Autoencoder</c>, built with <paramref name="encodingDim"/>.</param>
    /// <param name="encodingDim">The code size it was built with.</param>
    public static Verdict LinearAutoencoder(nn.Module<Tensor, Tensor>? model, long encodingDim)
    {
        if (model is null) return Verdict.NotDone();
        var linears = model.modules().OfType<Linear>().ToList();
        if (linears.Count == 0) return Verdict.NotDone();
        if (linears.Count != 2) return Verdict.Wrong($"the network has {linears.Count} Linear layers; this autoencoder has two: the encoder 784 → encoding_dim and the decoder encoding_dim → 784.");
        var (encoder, decoder) = (linears[0], linears[1]);
        if (encoder.in_features != 784 || decoder.out_features != 784)
            return Verdict.Wrong($"the layers are {encoder.in_features} → {encoder.out_features} and {decoder.in_features} → {decoder.out_features}: a flattened 28×28 digit has 784 pixels, in and out.");
        if (encoder.out_features != encodingDim || decoder.in_features != encodingDim)
            return Verdict.Wrong($"the code has {encoder.out_features} numbers, but the model was built with encoding_dim = {encodingDim}: use the constructor's encoding_dim for the encoder's output and the decoder's input.");

        var x = torch.rand(20, 784, generator: new Generator(7)).to(encoder.weight!.device);
        using var noGrad = torch.no_grad();
        var output = model.call(x);
        if (!output.shape.SequenceEqual(x.shape)) return Verdict.Wrong($"rows of 784 pixels in, rows of 784 out: expected [20, 784], got {Shape(output)}.");
        if (!InUnitRange(output)) return Verdict.Wrong("some outputs lie outside [0, 1], the range of the pixels: did you forget the sigmoid at the end?");
        var expected = F.sigmoid(decoder.call(F.relu(encoder.call(x))));
        if (Same(output, expected)) return Verdict.Correct($"784 → {encodingDim} with ReLU, {encodingDim} → 784 with a sigmoid: every output pixel lies between 0 and 1.");
        if (Same(output, F.sigmoid(decoder.call(encoder.call(x))))) return Verdict.Wrong("the code skips the ReLU: apply F.relu to the encoder's output before the decoder.");
        if (Same(output, F.sigmoid(decoder.call(F.sigmoid(encoder.call(x)))))) return Verdict.Wrong("the encoder ends with a sigmoid; the lesson uses a ReLU there and keeps the sigmoid for the decoder's output.");
        return Verdict.Wrong("the layers are right, but forward does not compute sigmoid(decoder(relu(encoder(x)))).");
    }

    /// <summary>Lesson 8: the convolutional autoencoder of the lesson's tables (<c>conv1</c>, <c>conv2</c>, <c>pool</c>, <c>t_conv1</c>, <c>t_conv2</c>).</summary>
    /// <param name="model">A new instance of the learner's <c>ConvAutoencoder</c>.</param>
    public static Verdict ConvAutoencoder(nn.Module<Tensor, Tensor>? model) => Convolutional(model, Transposed);

    /// <summary>Lesson 8b: Lesson 8's encoder and a decoder of nearest-neighbour upsampling, each followed by a convolution (<c>conv4</c>, <c>conv5</c>).</summary>
    /// <param name="model">A new instance of the learner's <c>UpsampleAutoencoder</c>.</param>
    public static Verdict UpsampleAutoencoder(nn.Module<Tensor, Tensor>? model) => Convolutional(model, Upsampling);

    /// <summary>Lesson 9: the denoiser of the lesson's table, three convolutions with pooling, three transposed convolutions and <c>conv_out</c>.</summary>
    /// <param name="model">A new instance of the learner's <c>ConvDenoiser</c>.</param>
    public static Verdict Denoiser(nn.Module<Tensor, Tensor>? model) => Convolutional(model, Denoising);

    /// <summary>
    /// Lessons 7 and 8: a training loop whose target is the input, with <c>nn.MSELoss()</c> and Adam at learning rate
    /// 0.001 over the model's parameters. <paramref name="losses"/> holds the course's figure for each epoch (batch
    /// loss × batch size, summed, divided by the number of batches); the library measures the trained model on a few
    /// batches of <paramref name="loader"/> itself.
    /// </summary>
    /// <param name="losses">The learner's per-epoch figures.</param>
    /// <param name="criterion">The learner's loss function.</param>
    /// <param name="optimizer">The learner's optimiser.</param>
    /// <param name="model">The trained autoencoder.</param>
    /// <param name="loader">The training loader.</param>
    /// <param name="epochs">How many epochs the loop was to run.</param>
    /// <param name="flatten">Whether the model takes rows of 784 pixels (Lesson 7) rather than [N, 1, 28, 28] images.</param>
    public static Verdict ReconstructionTraining(IReadOnlyList<double>? losses, nn.Module<Tensor, Tensor, Tensor>? criterion, optim.Optimizer? optimizer,
        nn.Module<Tensor, Tensor>? model, IEnumerable<(Tensor Data, Tensor Labels)> loader, int epochs, bool flatten = false) =>
        Training(losses, criterion, optimizer, model, loader, epochs, flatten, noiseFactor: null);

    /// <summary>
    /// Lesson 9: a training loop that feeds noisy images (<paramref name="noiseFactor"/> × Gaussian noise,
    /// clipped to [0, 1]) and compares the output with the clean ones, with the loss and optimiser of Lessons 7 and 8.
    /// Besides the figures, the library checks that the trained model's outputs are closer to the clean digits than
    /// to its noisy inputs.
    /// </summary>
    /// <param name="losses">The learner's per-epoch figures.</param>
    /// <param name="criterion">The learner's loss function.</param>
    /// <param name="optimizer">The learner's optimiser.</param>
    /// <param name="model">The trained denoiser.</param>
    /// <param name="loader">The training loader.</param>
    /// <param name="epochs">How many epochs the loop was to run.</param>
    /// <param name="noiseFactor">The scale of the noise.</param>
    public static Verdict DenoisingTraining(IReadOnlyList<double>? losses, nn.Module<Tensor, Tensor, Tensor>? criterion, optim.Optimizer? optimizer,
        nn.Module<Tensor, Tensor>? model, IEnumerable<(Tensor Data, Tensor Labels)> loader, int epochs, double noiseFactor) =>
        Training(losses, criterion, optimizer, model, loader, epochs, flatten: false, noiseFactor);

    static Verdict Convolutional(nn.Module<Tensor, Tensor>? model, Architecture architecture)
    {
        if (model is null || !model.parameters().Any()) return Verdict.NotDone();
        var layers = model.named_children().ToDictionary(c => c.name, c => c.module);
        using var noGrad = torch.no_grad();
        var device = model.parameters().First().device;

        foreach (var spec in architecture.Encoder.Concat(architecture.Decoder))
            if (LayerMistake(layers, spec, device) is { } hint) return Verdict.Wrong(hint);
        if (!layers.TryGetValue("pool", out var poolModule) || poolModule is not nn.Module<Tensor, Tensor> pool)
            return Verdict.Wrong("the layer pool is missing: one nn.MaxPool2d(2, 2), used after each encoder convolution.");
        var pooled = pool.call(torch.zeros(1, 1, 28, 28, device: device));
        if (pooled.shape[^1] != 14) return Verdict.Wrong($"pool turns 28×28 into {pooled.shape[^2]}×{pooled.shape[^1]}; the tables halve the size: nn.MaxPool2d(2, 2).");

        var x = torch.rand(20, 1, 28, 28, generator: new Generator(7)).to(device);
        var output = model.call(x);
        if (!output.shape.SequenceEqual(x.shape))
            return Verdict.Wrong($"output [20, 1, 28, 28] expected, got {Shape(output)}: every layer is right, so forward applies them in another order{(output.shape.Length == 4 && output.shape[^1] > 28 ? "; did you pool after every encoder convolution?" : ": follow the table from top to bottom.")}");
        if (!InUnitRange(output)) return Verdict.Wrong("some outputs lie outside [0, 1], the range of the pixels: did you forget the sigmoid at the end?");

        Tensor Compose(bool encoderReLU, bool decoderReLU) => Reference(architecture, layers, pool, x, encoderReLU, decoderReLU);
        if (Same(output, Compose(true, true))) return Verdict.Correct($"{architecture.Title}: every layer as in the table, [20, 1, 28, 28] in and out, ReLU between the layers and a sigmoid at the end.");
        if (Same(output, Compose(false, true))) return Verdict.Wrong("the encoder's convolutions are not followed by a ReLU: pool.call(F.relu(conv.call(x))).");
        if (Same(output, Compose(true, false))) return Verdict.Wrong("the decoder has no ReLU between its layers: apply F.relu after each of them except the last, which gets the sigmoid.");
        return Verdict.Wrong($"the layers and the output shape are right, but forward does not compute what the table describes{(architecture.Upsample ? " (upsample ×2 with F.interpolate, mode Nearest, before each decoder convolution)" : "")}.");
    }

    /// <summary>What is wrong with one layer of the table, or null: present, of the right kind, channels, kernel, and the size it maps to.</summary>
    static string? LayerMistake(Dictionary<string, nn.Module> layers, LayerSpec spec, Device device)
    {
        var kind = spec.Transposed ? "nn.ConvTranspose2d" : "nn.Conv2d";
        if (!layers.TryGetValue(spec.Name, out var module)) return $"the layer {spec.Name} is missing: the table asks for a {kind} named {spec.Name}.";
        var isTransposed = module is ConvTranspose2d;
        if (module is not Conv2d && !isTransposed || isTransposed != spec.Transposed)
            return $"{spec.Name} is a {module.GetType().Name}; the table asks for a {kind}{(spec.Transposed ? ", the layer that enlarges a feature map" : "")}.";
        var weight = module.named_parameters().First(p => p.name == "weight").parameter;
        // Conv2d keeps its weight as [out, in, k, k], ConvTranspose2d as [in, out, k, k]
        var (inputs, outputs) = spec.Transposed ? (weight.shape[0], weight.shape[1]) : (weight.shape[1], weight.shape[0]);
        if (inputs != spec.In || outputs != spec.Out)
            return $"{spec.Name} maps {inputs} → {outputs} channels; the table asks for {spec.In} → {spec.Out}.";
        if (weight.shape[2] != spec.Kernel)
            return spec.Transposed
                ? $"{spec.Name} has kernel {weight.shape[2]}; to go from {spec.InSize}×{spec.InSize} to {spec.OutSize}×{spec.OutSize} with stride 2, (input − 1) × 2 + kernel must be {spec.OutSize}: kernel {spec.Kernel}."
                : $"{spec.Name} has a {weight.shape[2]}×{weight.shape[3]} kernel; the table asks for {spec.Kernel}×{spec.Kernel}.";
        var size = ((nn.Module<Tensor, Tensor>)module).call(torch.zeros(1, spec.In, spec.InSize, spec.InSize, device: device)).shape[^1];
        if (size == spec.OutSize) return null;
        if (!spec.Transposed && size < spec.OutSize)
            return $"{spec.Name} turns {spec.InSize}×{spec.InSize} into {size}×{size}: did you forget padding: 1? Without it a 3×3 convolution trims a pixel from every border.";
        if (spec.Transposed && size == spec.InSize + spec.Kernel - 1)
            return $"{spec.Name} turns {spec.InSize}×{spec.InSize} into {size}×{size}: did you forget stride: 2? It is the stride that doubles the size.";
        return $"{spec.Name} turns {spec.InSize}×{spec.InSize} into {size}×{size}; the table asks for {spec.OutSize}×{spec.OutSize}.";
    }

    /// <summary>The table's network composed from the learner's own layers, optionally without the ReLUs of one half.</summary>
    static Tensor Reference(Architecture architecture, Dictionary<string, nn.Module> layers, nn.Module<Tensor, Tensor> pool, Tensor x, bool encoderReLU, bool decoderReLU)
    {
        Tensor Layer(LayerSpec spec, Tensor input) => ((nn.Module<Tensor, Tensor>)layers[spec.Name]).call(input);
        foreach (var spec in architecture.Encoder)
        {
            var y = Layer(spec, x);
            x = pool.call(encoderReLU ? F.relu(y) : y);
        }
        for (int i = 0; i < architecture.Decoder.Length; i++)
        {
            var input = architecture.Upsample ? F.interpolate(x, scale_factor: [2, 2], mode: InterpolationMode.Nearest) : x;
            var y = Layer(architecture.Decoder[i], input);
            x = i == architecture.Decoder.Length - 1 ? F.sigmoid(y) : decoderReLU ? F.relu(y) : y;
        }
        return x;
    }

    static Verdict Training(IReadOnlyList<double>? losses, nn.Module<Tensor, Tensor, Tensor>? criterion, optim.Optimizer? optimizer,
        nn.Module<Tensor, Tensor>? model, IEnumerable<(Tensor Data, Tensor Labels)> loader, int epochs, bool flatten, double? noiseFactor)
    {
        if (losses is null || model is null || criterion is null || optimizer is null || losses.Count == 0) return Verdict.NotDone();
        if (TrainingSetup.CriterionMistake<MSELoss>(criterion, "an autoencoder is judged pixel by pixel with the mean squared error, nn.MSELoss().") is { } loss) return loss;
        if (TrainingSetup.OptimizerMistake<Adam>(optimizer, model, "the course trains the autoencoders with Adam, optim.Adam.", 0.001, "lr") is { } setup) return setup;
        if (losses.Count != epochs) return Verdict.Wrong($"train_losses has {losses.Count} entries for {epochs} epochs: add one figure per epoch, after the loop over the batches.");
        if (losses.Any(l => !double.IsFinite(l))) return Verdict.Wrong("the loss became NaN or infinite: check that optimizer.zero_grad() comes before each backward pass, and that the loss compares the output with images in [0, 1].");

        var (batchSize, clean, noisy) = Measure(model, loader, flatten, noiseFactor);
        var reported = clean * batchSize;   // the course's figure for the model as it is now
        if (losses[^1] < reported / 4)
            return Verdict.Wrong($"the last figure, {losses[^1]:F4}, is about the mean squared error of a pixel ({clean:F4}); the course's figure weights each batch's loss by its size: add loss.item<float>() * images.shape[0].");
        if (losses[^1] > 4 * reported + 0.5)
            return Verdict.Wrong($"the last figure, {losses[^1]:F1}, is far above the model's ({reported:F3}): divide the epoch's total by the number of batches, train_loader.Count.");
        if (clean > 0.06 || losses[^1] > 0.9 * losses[0])
            return Verdict.Wrong($"the loss did not fall in {epochs} epochs (the model is off by {Math.Sqrt(clean):F2} per pixel on average): is the optimizer stepping (optimizer.step() after loss.backward()), with the input as the target?");
        if (noiseFactor is not null && noisy <= clean)
            return Verdict.Wrong($"the model's output is closer to its noisy input (error {noisy:F4}) than to the clean digits ({clean:F4}): feed the model noisy_imgs and compute the loss against the clean images.");
        return Verdict.Correct($"the figure fell from {losses[0]:F3} to {losses[^1]:F3} over {epochs} epochs; the model's mean squared error per pixel is {clean:F4}{(noiseFactor is null ? "" : $" against the clean digits (its noisy inputs are off by {noisy:F4})")}.");
    }

    /// <summary>
    /// The batch size and the model's mean squared error per pixel against the clean images on the first
    /// batches of <paramref name="loader"/>, in evaluation mode; with a noise factor the model sees noisy
    /// images, and the error against those is measured too.
    /// </summary>
    static (long BatchSize, double Clean, double Noisy) Measure(nn.Module<Tensor, Tensor> model, IEnumerable<(Tensor Data, Tensor Labels)> loader, bool flatten, double? noiseFactor)
    {
        var training = model.training;
        model.eval();
        long batchSize = 0;
        double clean = 0, noisy = 0;
        var batches = 0;
        var generator = new Generator(7);
        using (torch.no_grad())
        {
            foreach (var (images, _) in loader.Take(5))
            {
                using var scope = torch.NewDisposeScope();
                if (batches == 0) batchSize = images.shape[0];
                var target = flatten ? images.view(images.shape[0], -1) : images;
                var input = noiseFactor is { } factor
                    ? (target + factor * torch.randn(target.shape, generator: generator).to(target.device)).clamp(0, 1)
                    : target;
                var output = model.call(input);
                clean += F.mse_loss(output, target).item<float>();
                noisy += F.mse_loss(output, input).item<float>();
                batches++;
            }
        }
        model.train(training);
        return (batchSize, clean / batches, noisy / batches);
    }

    static bool InUnitRange(Tensor output)
    {
        var values = Values(output);
        return values.min().item<float>() >= 0 && values.max().item<float>() <= 1;
    }
}
