using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;

namespace DeepLearningCourse.Exercises;

/// <summary>
/// The checks of Section 3's exercises (lessons 1–6). Each one recomputes the answer from the
/// learner's own inputs (their image, kernel, model, loaders or initialisation), compares, and names
/// the likely mistake when the two differ. A <c>null</c> answer, or a stub that throws
/// <see cref="NotImplementedException"/>, is not done yet. Call them through <see cref="Exercise.Check"/>.
/// </summary>
public static class Section3Checks
{
    // ----- Lesson 1: the MLP and its training loop with validation -----

    /// <summary>Lesson 1: 784 → 512 → 512 → 10 with ReLU and dropout 0.2, returning raw scores.</summary>
    public static Verdict Mlp(nn.Module<Tensor, Tensor>? model)
    {
        if (model is null) return Verdict.NotDone();
        var linears = model.modules().OfType<Linear>().ToList();
        if (linears.Count == 0) return Verdict.NotDone();
        if (Layers(linears, [(784, 512), (512, 512), (512, 10)]) is { } wrong) return wrong;
        if (DropoutHint(model, 0.2) is { } noDropout) return noDropout;

        var device = linears[0].weight!.device;
        var images = torch.rand(4, 1, 28, 28, generator: new Generator(7)).to(device);
        var output = Run(model, images, "a batch [4, 1, 28, 28] does not reach fc1 as [4, 784]: flatten in forward with x = x.view(-1, 28 * 28).");
        if (output.Hint is { } hint) return hint;
        if (!output.Value!.shape.SequenceEqual(new long[] { 4, 10 })) return Verdict.Wrong($"for 4 images the output must be [4, 10], got {Shape(output.Value)}.");
        if (ProbabilityHint(output.Value) is { } probabilities) return probabilities;
        if (Affine(model, images)) return Verdict.Wrong("the network's output is an affine function of its input: a ReLU is missing after fc1 and after fc2.");
        if (!RandomInTraining(model, images)) return Verdict.Wrong("the outputs do not change from pass to pass in training mode: call dropout.call(...) after each hidden layer's ReLU in forward.");
        return Verdict.Correct("784 → 512 → 512 → 10 with ReLU and dropout 0.2, raw scores out for the cross-entropy loss.");
    }

    /// <summary>
    /// Lesson 1: the training loop that validates after every epoch and ends with the weights of the
    /// epoch with the lowest validation loss. The library measures the model's validation loss itself.
    /// </summary>
    /// <param name="train_losses">The learner's mean training loss per epoch.</param>
    /// <param name="valid_losses">The learner's mean validation loss per epoch.</param>
    /// <param name="best_state">The copy of the weights kept at the lowest validation loss.</param>
    /// <param name="model">The trained network (raw scores).</param>
    /// <param name="valid_loader">The validation loader.</param>
    /// <param name="n_epochs">How many epochs the loop was to run.</param>
    public static Verdict KeepBestWeights(IReadOnlyList<double>? train_losses, IReadOnlyList<double>? valid_losses, IReadOnlyDictionary<string, Tensor>? best_state,
        nn.Module<Tensor, Tensor>? model, IEnumerable<(Tensor Data, Tensor Labels)> valid_loader, int n_epochs)
    {
        if (train_losses is null || valid_losses is null || model is null || train_losses.Count + valid_losses.Count == 0) return Verdict.NotDone();
        if (train_losses.Count != n_epochs || valid_losses.Count != n_epochs)
            return Verdict.Wrong($"{train_losses.Count} training and {valid_losses.Count} validation losses for {n_epochs} epochs: add one of each per epoch, after its two passes.");
        if (train_losses.Concat(valid_losses).Any(l => !double.IsFinite(l))) return Verdict.Wrong("a loss became NaN or infinite: clear the gradients (optimizer.zero_grad()) before every backward pass.");
        if (train_losses[^1] >= train_losses[0]) return Verdict.Wrong($"the training loss did not fall ({train_losses[0]:F3} → {train_losses[^1]:F3}): is optimizer.step() called after loss.backward()?");
        if (best_state is null) return Verdict.Wrong("best_state is still null: whenever the validation loss reaches a new low, keep a copy of model.state_dict().");

        var live = model.state_dict();
        if (best_state.Any(kv => live.TryGetValue(kv.Key, out var p) && (ReferenceEquals(p, kv.Value) || p.Handle == kv.Value.Handle)))
            return Verdict.Wrong("best_state holds the model's live parameters, which went on changing after the best epoch: clone() each tensor you keep.");
        var measured = MeanLoss(model, valid_loader);
        var best = valid_losses.Min();
        if (best > 3 * measured + 0.5)
            return Verdict.Wrong($"the lowest validation loss you recorded, {best:F2}, is far above the model's loss per image ({measured:F3}): multiply each batch's mean loss by its size, add them up, and divide by valid_part.Count.");
        if (Close(measured, best)) return Verdict.Correct($"the model holds the weights of the epoch with the lowest validation loss ({best:F4}), as the library measures it ({measured:F4}).");
        if (Close(measured, valid_losses[^1])) return Verdict.Wrong("the model holds the last epoch's weights, not the best ones: after the loop, load the kept copy back with model.load_state_dict(best_state), and keep clone()s, not the live parameters.");
        return Verdict.Wrong($"the model's validation loss is {measured:F4}, which matches none of your epochs (lowest {best:F4}): keep a copy whenever valid_loss < valid_loss_min, and load it back after the loop.");
    }

    // ----- Lesson 2: kernels for OpenCV's Filter2D -----

    /// <summary>
    /// Lesson 2: the Sobel x kernel (right column minus left, the middle row counted twice), and the
    /// grayscale photo filtered with it as <c>Cv2.Filter2D</c> does with byte output.
    /// </summary>
    /// <param name="sobel_x">The learner's kernel, read out of its <c>Mat</c>.</param>
    /// <param name="gray">The grayscale photo as a tensor in [0, 1].</param>
    /// <param name="filtered_x">The learner's filtered photo as a tensor in [0, 1].</param>
    public static Verdict SobelX(float[,]? sobel_x, Tensor gray, Tensor? filtered_x)
    {
        if (sobel_x is null) return Verdict.NotDone();
        var kernel = torch.tensor(sobel_x);
        var expected = torch.tensor(new float[,] { { -1, 0, 1 }, { -2, 0, 2 }, { -1, 0, 1 } });
        if (!Same(kernel, expected))
        {
            if (Same(kernel, expected.T)) return Verdict.Wrong("that is Sobel y, which finds horizontal edges: turn it on its side, so that the columns (left −1 −2 −1, right 1 2 1) differ, not the rows.");
            if (Same(kernel, -expected)) return Verdict.Wrong("that kernel computes left minus right, so it lights up edges that are brighter on the left: put the negative weights in the left column.");
            if (Same(kernel, torch.tensor(new float[,] { { -1, 0, 1 }, { -1, 0, 1 }, { -1, 0, 1 } })))
                return Verdict.Wrong("the middle row is counted once: Sobel weights it twice (−2 and 2), so the pixel's own row matters most.");
            if (kernel.shape.SequenceEqual(new long[] { 3, 3 }) && Math.Abs(kernel.sum().item<float>()) > 1e-6)
                return Verdict.Wrong($"the weights sum to {kernel.sum().item<float>():G3}, not 0, so flat areas would not come out black: right column 1 2 1, left column −1 −2 −1, middle column 0.");
            return Verdict.Wrong($"Sobel x is {{ -1, 0, 1 }}, {{ -2, 0, 2 }}, {{ -1, 0, 1 }}; your kernel is {Shape(kernel)} with other weights.");
        }
        if (filtered_x is null) return Verdict.NotDone("the kernel is right; now filter gray with it into filtered_x.");
        if (!SameImage(filtered_x, Filter2D(gray, kernel)))
            return Verdict.Wrong("the kernel is right, but filtered_x is not gray filtered with it: Cv2.Filter2D(gray, filtered_x, -1, sobel_x).");
        return Verdict.Correct("Sobel x, right column minus left: vertical edges that are brighter on the right light up.");
    }

    /// <summary>Lesson 2: a 5×5 kernel of the learner's own whose weights sum to 0, and the photo filtered with it.</summary>
    /// <param name="kernel">The learner's kernel, read out of its <c>Mat</c>.</param>
    /// <param name="gray">The grayscale photo as a tensor in [0, 1].</param>
    /// <param name="filtered">The learner's filtered photo as a tensor in [0, 1].</param>
    public static Verdict OwnKernel(float[,]? kernel, Tensor gray, Tensor? filtered)
    {
        if (kernel is null) return Verdict.NotDone();
        var weights = torch.tensor(kernel);
        if (!weights.shape.SequenceEqual(new long[] { 5, 5 })) return Verdict.Wrong($"your kernel is {kernel.GetLength(0)}×{kernel.GetLength(1)}; this exercise asks for 5×5, a larger neighbourhood than Sobel's 3×3.");
        if (weights.abs().max().item<float>() == 0) return Verdict.Wrong("every weight is 0, so the filtered picture is black everywhere: give one side negative weights and the other positive ones.");
        var sum = weights.sum().item<float>();
        if (Math.Abs(sum) > 1e-4)
            return Verdict.Wrong($"the weights sum to {sum:G3}, not 0: flat areas come out {sum:G3} times as bright instead of black. Balance every positive weight with a negative one.");
        if (filtered is null) return Verdict.NotDone("the kernel is fine; now filter gray with it.");
        if (!SameImage(filtered, Filter2D(gray, weights)))
            return Verdict.Wrong("filtered is not gray filtered with your kernel: Cv2.Filter2D(gray, filtered_diagonal, -1, diagonal).");
        // Which way brightness must increase for the kernel to respond most: its weights' centre of mass
        var offsets = torch.arange(-2, 3, dtype: ScalarType.Float32);
        var (across, down) = ((weights * offsets.view(1, 5)).sum().item<float>(), (weights * offsets.view(5, 1)).sum().item<float>());
        return Verdict.Correct($"a 5×5 kernel whose weights sum to 0; it answers most to brightness rising {Direction(across, down)}.");
    }

    /// <summary>
    /// Lesson 2's challenge: the photo blurred with an averaging kernel (square, odd, equal weights summing to 1),
    /// then Sobel y applied to the blurred photo, each as <c>Cv2.Filter2D</c> does with byte output.
    /// </summary>
    /// <param name="blur">The learner's averaging kernel, read out of its <c>Mat</c>.</param>
    /// <param name="sobel_y">The lesson's Sobel y kernel, read out of its <c>Mat</c>.</param>
    /// <param name="gray">The grayscale photo as a tensor in [0, 1].</param>
    /// <param name="blurred">The learner's blurred photo as a tensor in [0, 1].</param>
    /// <param name="blurred_edges">The learner's edges of the blurred photo as a tensor in [0, 1].</param>
    public static Verdict BlurThenEdges(float[,]? blur, float[,] sobel_y, Tensor gray, Tensor? blurred, Tensor? blurred_edges)
    {
        if (blur is null) return Verdict.NotDone();
        var weights = torch.tensor(blur);
        var (rows, cols) = (blur.GetLength(0), blur.GetLength(1));
        if (rows != cols || rows % 2 == 0 || rows < 3)
            return Verdict.Wrong($"the kernel is {rows}×{cols}; an average over a pixel's neighbourhood is square with the pixel in its middle: 3×3.");
        var sum = weights.sum().item<float>();
        if (weights.max().item<float>() - weights.min().item<float>() > 1e-6)
            return Verdict.Wrong("the weights differ from each other; an average counts every pixel of the neighbourhood equally, so all weights are the same.");
        if (Math.Abs(sum - 1) > 1e-4)
            return Verdict.Wrong($"the weights sum to {sum:G3}, so the blurred photo comes out {sum:G3} times as bright (cut off at white): divide each weight by {rows * cols}, so that they sum to 1.");
        if (blurred is null) return Verdict.NotDone("the kernel is an average; now filter gray with it into blurred.");
        if (!SameImage(blurred, Filter2D(gray, weights)))
            return Verdict.Wrong("blurred is not gray filtered with your kernel: Cv2.Filter2D(gray, blurred, -1, blur).");
        if (blurred_edges is null) return Verdict.NotDone("the blur is right; now find the edges of blurred with sobel_y into blurred_edges.");
        var sobel = torch.tensor(sobel_y);
        if (!SameImage(blurred_edges, Filter2D(blurred, sobel)))
            return SameImage(blurred_edges, Filter2D(gray, sobel))
                ? Verdict.Wrong("blurred_edges are the edges of the sharp photo: filter blurred, not gray, with sobel_y.")
                : Verdict.Wrong("blurred_edges is not blurred filtered with sobel_y: Cv2.Filter2D(blurred, blurred_edges, -1, sobel_y).");
        return Verdict.Correct($"a {rows}×{cols} average, then Sobel y on the blurred photo: the edges of single pixels fade, the long ones stay.");
    }

    // ----- Lesson 3: fixed filters in a convolutional layer -----

    /// <summary>Lesson 3: the first filter, its negation, its transpose and the negated transpose, stacked to [4, 4, 4].</summary>
    public static Verdict FourFilters(Tensor? filters, Tensor filter_vals)
    {
        if (filters is null) return Verdict.NotDone();
        var f = Values(filter_vals);
        var expected = torch.stack([f, -f, f.T, -f.T]);
        if (Same(filters, expected)) return Verdict.Correct("filters 1 and 2 find vertical edges of both directions, 3 and 4 horizontal ones: [4, 4, 4].");
        if (!filters.shape.SequenceEqual(expected.shape)) return Verdict.Wrong($"filters must be [4, 4, 4], four 4×4 filters stacked with torch.stack; got {Shape(filters)}.");
        var answer = Values(filters);
        if (!Same(answer[0], f)) return Verdict.Wrong("filter 1 must be filter_vals itself.");
        if (Same(answer[1], f)) return Verdict.Wrong("filter 2 equals filter 1: negate it (-filter_1), so it responds to edges of the opposite direction.");
        if (Same(answer[2], f) || Same(answer[2], -f)) return Verdict.Wrong("filter 3 still finds vertical edges: transpose filter 1 (filter_1.T), so that rows and columns swap.");
        if (Same(answer[3], -f)) return Verdict.Wrong("filter 4 is the negation of filter 1; it should negate filter 3, the transpose (-filter_3).");
        return Verdict.Wrong("the filters are not, in order: filter_vals, its negation, its transpose, the negated transpose.");
    }

    /// <summary>Lesson 3: a bias-free <c>Conv2d</c> holding the given filters, then ReLU, then 2×2 max pooling; all three stages returned.</summary>
    public static Verdict FilterLayer(nn.Module<Tensor, (Tensor, Tensor, Tensor)>? model, Tensor filters)
    {
        if (model is null) return Verdict.NotDone();
        var conv = model.modules().OfType<Conv2d>().FirstOrDefault();
        if (conv is null) return Verdict.NotDone();
        var weight = Values(filters).unsqueeze(1);
        if (conv.bias is not null) return Verdict.Wrong("the layer has a bias, which shifts every map by a random amount: create it with bias: false.");
        if (!conv.weight!.shape.SequenceEqual(weight.shape)) return Verdict.Wrong($"the layer's weight is {Shape(conv.weight)}; four 4×4 filters for one input channel make it [4, 1, 4, 4].");
        if (!Same(conv.weight, weight)) return Verdict.Wrong("the layer's weight is not the filters: copy them in with conv.weight.copy_(weight) inside torch.no_grad().");

        var image = torch.rand(1, 1, 20, 20, generator: new Generator(7)).to(conv.weight.device);
        var expectedConv = F.conv2d(Values(image), weight);
        var expectedRelu = F.relu(expectedConv);
        var expectedPool = F.max_pool2d(expectedRelu, 2, 2);
        Tensor conv_x, activated_x, pooled_x;
        using (torch.no_grad()) (conv_x, activated_x, pooled_x) = model.call(image);
        if (!Same(conv_x, expectedConv)) return Verdict.Wrong($"conv_x should be the convolution's output {Shape(expectedConv)}, got {Shape(conv_x)}: conv_x = conv.call(x).");
        if (Same(activated_x, expectedConv)) return Verdict.Wrong("activated_x still has negative values: apply F.relu to conv_x.");
        if (!Same(activated_x, expectedRelu)) return Verdict.Wrong("activated_x should be F.relu(conv_x).");
        if (Same(pooled_x, expectedRelu)) return Verdict.Wrong($"pooled_x is as large as activated_x, {Shape(pooled_x)}: apply pool to it, which halves height and width.");
        if (Same(pooled_x, F.max_pool2d(expectedConv, 2, 2))) return Verdict.Wrong("pooled_x pools conv_x; pool the activated maps, activated_x, instead.");
        if (!Same(pooled_x, expectedPool)) return Verdict.Wrong($"pooled_x should be pool.call(activated_x), {Shape(expectedPool)}; got {Shape(pooled_x)}.");
        return Verdict.Correct("the layer holds the four filters without bias, and returns the convolution, its ReLU, and the 2×2 max-pooled maps.");
    }

    // ----- Lesson 4: the CIFAR-10 CNN -----

    /// <summary>
    /// Lesson 4: three 3×3 convolutions (16, 32, 64 filters, padding 1) with pooling, then 1,024 → 500 → 10 with dropout 0.25.
    /// After the layers, the model's scores are compared with the table's network composed from the learner's own layers,
    /// in evaluation mode (a missing ReLU is named) and in training mode with the same dropout masks (dropout's places).
    /// </summary>
    public static Verdict Cnn(nn.Module<Tensor, Tensor>? model)
    {
        if (model is null) return Verdict.NotDone();
        var convs = model.modules().OfType<Conv2d>().ToList();
        if (convs.Count == 0) return Verdict.NotDone();
        if (convs.Count != 3) return Verdict.Wrong($"the network has {convs.Count} convolutional layers; the table asks for three: conv1, conv2, conv3.");
        var channels = new (long In, long Out)[] { (3, 16), (16, 32), (32, 64) };
        var device = convs[0].weight!.device;
        for (var i = 0; i < 3; i++)
        {
            var (inputs, outputs) = channels[i];
            if (convs[i].in_channels != inputs || convs[i].out_channels != outputs)
                return Verdict.Wrong($"conv{i + 1} goes from {convs[i].in_channels} to {convs[i].out_channels} channels; the table asks for {inputs} → {outputs} (each layer takes as many channels as the one before has filters).");
            var size = 32 >> i;
            using var _ = torch.no_grad();
            var output = convs[i].call(torch.zeros(20, inputs, size, size, device: device));
            var expected = new long[] { 20, outputs, size, size };
            if (!output.shape.SequenceEqual(expected))
                return Verdict.Wrong($"conv{i + 1}'s output {Shape(torch.empty(expected))} expected, got {Shape(output)}: did you forget padding: 1? With 3×3 filters it keeps height and width.");
        }
        var linears = model.modules().OfType<Linear>().ToList();
        if (linears.Count > 0 && linears[0].in_features != 64 * 4 * 4)
            return Verdict.Wrong($"flattened size 1024 expected (64 maps of 4×4 after three poolings), but fc1 takes {linears[0].in_features} inputs.");
        if (Layers(linears, [(1024, 500), (500, 10)]) is { } wrong) return wrong;
        if (DropoutHint(model, 0.25) is { } noDropout) return noDropout;

        var images = torch.randn(20, 3, 32, 32, generator: new Generator(7)).to(device);
        var run = Run(model, images, "the rows reaching fc1 do not have 1,024 values: pool after each of the three convolutions, then flatten with x.view(-1, 64 * 4 * 4).");
        if (run.Hint is { } hint) return hint;
        var scores = run.Value!;
        if (!scores.shape.SequenceEqual(new long[] { 20, 10 }))
            return Verdict.Wrong($"for 20 images the output must be [20, 10], got {Shape(scores)}: each image must be pooled three times (32 → 16 → 8 → 4) before view(-1, 64 * 4 * 4) makes one row of it.");
        if (ProbabilityHint(scores) is { } probabilities) return probabilities;

        // The table's network composed from the learner's own layers, in evaluation mode, with or without each group of ReLUs
        var (fc1, fc2) = (linears[0], linears[1]);
        Tensor Table(bool convReLU, bool fcReLU, double dropout = 0)
        {
            var x = images;
            foreach (var conv in convs)
            {
                var y = conv.call(x);
                x = F.max_pool2d(convReLU ? F.relu(y) : y, 2, 2);
            }
            x = F.dropout(x.view(-1, 64 * 4 * 4), dropout, training: dropout > 0);
            var hidden = fc1.call(x);
            return fc2.call(F.dropout(fcReLU ? F.relu(hidden) : hidden, dropout, training: dropout > 0));
        }
        using (torch.no_grad())
        {
            if (!Same(scores, Table(true, true)))
            {
                if (Same(scores, Table(false, false))) return Verdict.Wrong("forward has no ReLU at all: without one the layers add up to a single linear map. Apply F.relu after each convolution (before pooling) and after fc1.");
                if (Same(scores, Table(false, true))) return Verdict.Wrong("the convolutions are not followed by a ReLU: x = pool.call(F.relu(conv1.call(x))), and so on for conv2 and conv3.");
                if (Same(scores, Table(true, false))) return Verdict.Wrong("fc1 is not followed by a ReLU: F.relu(fc1.call(x)) before the second dropout and fc2.");
                return Verdict.Wrong("the layers and the output shape are right, but forward does not compute what the table describes: conv1, ReLU, pool; conv2, ReLU, pool; conv3, ReLU, pool; flatten; dropout; fc1, ReLU; dropout; fc2.");
            }
        }
        if (!RandomInTraining(model, images)) return Verdict.Wrong("the outputs do not change from pass to pass in training mode: call dropout.call(...) before fc1 and after its ReLU.");
        var training = model.training;
        model.train();
        var placed = Same(Seeded(() => model.call(images)), Seeded(() => Table(true, true, dropout: 0.25)));
        model.train(training);
        if (!placed) return Verdict.Wrong("dropout is not where the table puts it: once on the flattened rows before fc1, and once after fc1's ReLU, not on the convolutions' maps or on fc2's scores.");
        return Verdict.Correct("3 × 32 × 32 → 16 × 16 × 16 → 32 × 8 × 8 → 64 × 4 × 4 → 1,024 → 500 → 10 raw scores, a ReLU after every layer but the last, dropout 0.25 before fc1 and after its ReLU.");
    }

    /// <summary>Lesson 4: cross-entropy on the raw scores, and plain SGD with learning rate 0.01 over the model's parameters.</summary>
    public static Verdict LossAndOptimizer(nn.Module<Tensor, Tensor, Tensor>? criterion, optim.Optimizer? optimizer, nn.Module model, double learningRate = 0.01)
    {
        if (criterion is null || optimizer is null) return Verdict.NotDone();
        if (criterion is NLLLoss) return Verdict.Wrong("NLLLoss expects log-probabilities, but the network returns raw scores: use nn.CrossEntropyLoss(), which applies the log-softmax itself.");
        if (TrainingSetup.CriterionMistake<CrossEntropyLoss>(criterion, "for class scores use nn.CrossEntropyLoss().") is { } loss) return loss;
        if (TrainingSetup.OptimizerMistake<SGD>(optimizer, model, "the course trains this network with plain stochastic gradient descent, optim.SGD.", learningRate, "learningRate") is { } wrong) return wrong;
        return Verdict.Correct($"cross-entropy on the raw scores, and SGD with learning rate {learningRate} over all of the model's parameters.");
    }

    // ----- Lesson 5: transfer learning -----

    /// <summary>Lesson 5: every parameter of the pretrained features has <c>requires_grad</c> switched off.</summary>
    public static Verdict Frozen(nn.Module features)
    {
        var parameters = features.parameters().ToList();
        var training = parameters.Count(p => p.requires_grad);
        if (training == parameters.Count) return Verdict.NotDone();
        if (training > 0) return Verdict.Wrong($"{training} of the {parameters.Count} pretrained parameters still require gradients: loop over every one of backbone.Features.parameters().");
        return Verdict.Correct($"all {parameters.Count} pretrained parameter tensors are frozen: backpropagation stops before them.");
    }

    /// <summary>
    /// Lesson 5: a new linear layer from the backbone's features (or, after a <paramref name="pretrained"/>
    /// classifier, its output) to the classes, at the end of the model; it and that classifier are the parts that train.
    /// </summary>
    public static Verdict NewLastLayer(Linear? last_layer, nn.Module<Tensor, Tensor>? model, long features, int classes, nn.Module? pretrained = null)
    {
        if (last_layer is null || model is null) return Verdict.NotDone();
        if (last_layer.out_features == 1000) return Verdict.Wrong($"the new layer has 1,000 outputs, ImageNet's classes; the flowers have {classes}: classes.Count.");
        if (last_layer.out_features != classes) return Verdict.Wrong($"the new layer has {last_layer.out_features} outputs; it needs one per flower class, {classes}.");
        if (last_layer.in_features != features)
            return Verdict.Wrong($"the new layer takes {last_layer.in_features} inputs, but {features} values per photo reach it: nn.Linear(backbone.ClassifierWidth, classes.Count).");
        var mine = last_layer.parameters().Concat(pretrained?.parameters() ?? []).Select(p => p.Handle).ToHashSet();
        var trainable = model.parameters().Where(p => p.requires_grad).Select(p => p.Handle).ToHashSet();
        if (!mine.IsSubsetOf(model.parameters().Select(p => p.Handle))) return Verdict.Wrong("last_layer is not part of the model: build the model from backbone.Features followed by last_layer.");
        if (!mine.IsSubsetOf(trainable)) return Verdict.Wrong("part of the classifier would not train: leave requires_grad on for backbone.Classifier and the new layer.");
        if (!trainable.SetEquals(mine)) return Verdict.Wrong($"{trainable.Count - mine.Count} tensors besides the classifier's would train: freeze the features first (the exercise above).");
        var photo = torch.randn(1, 3, 224, 224, generator: new Generator(7)).to(last_layer.weight!.device);
        Tensor scores;
        model.eval();
        using (torch.no_grad()) scores = model.call(photo);
        model.train();
        if (!scores.shape.SequenceEqual(new long[] { 1, classes })) return Verdict.Wrong($"a photo should come out as {classes} scores [1, {classes}], got {Shape(scores)}: the model is the features, then the classifier.");
        return Verdict.Correct(pretrained?.parameters().Any() == true
            ? $"the pretrained classifier and a new last layer, {features:N0} → {classes} classes, are the tensors that train."
            : $"{features:N0} features → {classes} classes; the new layer's weight and bias are the only tensors that train.");
    }

    // ----- Lesson 6: weight initialisations -----

    /// <summary>Lesson 6: <c>constant_weights(value)</c> fills every Linear weight with the value and every bias with 0.</summary>
    public static Verdict ConstantWeights(Func<double, Action<nn.Module>>? constant_weights)
    {
        if (constant_weights is null) return Verdict.NotDone();
        foreach (var value in new[] { 1.0, 0.0 })
        {
            var layer = Initialised(constant_weights(value), 256, 128);
            var weights = Values(layer.weight!);
            if (weights.max().item<float>() != weights.min().item<float>())
                return Verdict.Wrong($"constant_weights({value}) left the weights random (from {weights.min().item<float>():F3} to {weights.max().item<float>():F3}): fill them in place with linear.weight.fill_(value).");
            if (Math.Abs(weights[0, 0].item<float>() - value) > 1e-6)
                return Verdict.Wrong($"constant_weights({value}) filled the weights with {weights[0, 0].item<float>()}: use the parameter, fill_(value).");
            if (BiasHint(layer) is { } bias) return bias;
        }
        return Verdict.Correct("every weight takes the given value and every bias is 0.");
    }

    /// <summary>Lesson 6: weights drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>), biases 0.</summary>
    public static Verdict UniformWeights(Action<nn.Module>? init, double low, double high)
    {
        if (init is null) return Verdict.NotDone();
        var layer = Initialised(init, 784, 256);
        var (min, max, mean, _) = Stats(layer.weight!);
        var range = $"[{low}, {high})";
        if (min == max) return Verdict.Wrong($"all weights are equal ({min}): uniform_ between {low} and {high} was asked for; did you fill_?");
        var bound = 1 / Math.Sqrt(784);
        if (min >= -bound - 1e-6 && max <= bound + 1e-6 && (low < -bound || high > bound))
            return Verdict.Wrong($"the weights lie within ±{bound:F4}, like TorchSharp's defaults: draw new ones with linear.weight.uniform_({low}, {high}).");
        if (min < low - 1e-6 || max > high + 1e-6)
            return Verdict.Wrong($"the weights run from {min:F3} to {max:F3}, outside {range}" + (low >= 0 && min < 0 ? ": none should be negative." : $": uniform_({low}, {high}) keeps them inside it."));
        if (max - min < 0.9 * (high - low) || Math.Abs(mean - (low + high) / 2) > 0.05 * (high - low))
            return Verdict.Wrong($"the weights run from {min:F3} to {max:F3} around {mean:F3}; drawn uniformly from {range} they would fill the whole range evenly.");
        if (BiasHint(layer) is { } bias) return bias;
        return Verdict.Correct($"weights spread evenly over {range}, biases 0.");
    }

    /// <summary>Lesson 6: each layer's weights uniform in ±1/√n, n its number of inputs, biases 0.</summary>
    public static Verdict UniformRule(Action<nn.Module>? init) => ScaledByInputs(init, normal: false);

    /// <summary>Lesson 6: each layer's weights normal with mean 0 and σ = 1/√n, n its number of inputs, biases 0.</summary>
    public static Verdict NormalRule(Action<nn.Module>? init) => ScaledByInputs(init, normal: true);

    static Verdict ScaledByInputs(Action<nn.Module>? init, bool normal)
    {
        if (init is null) return Verdict.NotDone();
        // Two layers with different numbers of inputs and the same number of outputs
        foreach (var inputs in new long[] { 784, 128 })
        {
            var layer = Initialised(init, inputs, 256);
            var (min, max, mean, std) = Stats(layer.weight!);
            var scale = normal ? std : Math.Max(-min, max);
            var expected = 1 / Math.Sqrt(inputs);
            if (min == max) return Verdict.Wrong($"all weights are equal ({min}): draw them at random ({(normal ? "normal_" : "uniform_")}).");
            if (!Near(scale, expected))
            {
                var what = normal ? "standard deviation" : "largest weight";
                if (Near(scale, 1 / Math.Sqrt(256))) return Verdict.Wrong($"for a layer with {inputs} inputs and 256 outputs the {what} is {scale:F4} = 1/√256: n is the number of inputs, linear.in_features, not out_features.");
                if (Near(scale, 1.0 / inputs)) return Verdict.Wrong($"the {what} is {scale:F5} = 1/{inputs}: take the square root, 1/√n = {expected:F4}.");
                if (Near(scale, 1)) return Verdict.Wrong($"the {what} is about 1 for every layer: scale it by 1/√n, with n = linear.in_features.");
                return Verdict.Wrong($"for a layer with {inputs} inputs the {what} should be 1/√{inputs} = {expected:F4}, got {scale:F4}.");
            }
            if (Math.Abs(mean) > 0.05 * expected) return Verdict.Wrong($"the weights average {mean:F4}; centred on 0 was asked for.");
            // A uniform draw never passes its bound; a normal one with 200,000 draws goes well past 3σ
            if (normal && Math.Max(-min, max) < 2 * std) return Verdict.Wrong($"the weights stop at ±{Math.Max(-min, max):F4}, as a uniform draw does: normal_(0.0, y) draws from the bell curve.");
            if (!normal && (Math.Max(-min, max) > expected * 1.001)) return Verdict.Wrong($"some weights pass ±1/√n = ±{expected:F4}: uniform_(-y, y) stays inside it (normal_ does not).");
            if (BiasHint(layer) is { } bias) return bias;
        }
        return Verdict.Correct(normal
            ? "normal weights with σ = 1/√n for each layer's n inputs, biases 0."
            : "weights uniform in ±1/√n for each layer's n inputs, biases 0.");
    }

    // ----- Shared helpers -----

    /// <summary>A fresh Linear layer inside a small model, initialised with <c>apply</c> as the lesson does.</summary>
    static Linear Initialised(Action<nn.Module> init, long inputs, long outputs)
    {
        var layer = nn.Linear(inputs, outputs);
        nn.Sequential(layer, nn.ReLU()).apply(init);
        return layer;
    }

    static (double Min, double Max, double Mean, double Std) Stats(Tensor weight)
    {
        var w = Values(weight);
        return (w.min().item<float>(), w.max().item<float>(), w.mean().item<float>(), w.std().item<float>());
    }

    static bool Near(double value, double expected) => Math.Abs(value - expected) <= 0.05 * expected;

    static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-3 + 1e-3 * Math.Abs(b);

    static Verdict? BiasHint(Linear layer) =>
        layer.bias is { } bias && Values(bias).abs().max().item<float>() != 0
            ? Verdict.Wrong("the biases are not 0: set them with linear.bias.fill_(0).")
            : null;

    static Verdict? Layers(IReadOnlyList<Linear> linears, (long In, long Out)[] expected)
    {
        var asked = string.Join(", ", expected.Select(e => $"{e.In} → {e.Out}"));
        if (linears.Count != expected.Length) return Verdict.Wrong($"the network has {linears.Count} Linear layers; the exercise asks for {expected.Length}: {asked}.");
        for (var i = 0; i < expected.Length; i++)
            if (linears[i].in_features != expected[i].In || linears[i].out_features != expected[i].Out)
                return Verdict.Wrong($"Linear layer {i + 1} is {linears[i].in_features} → {linears[i].out_features}; the exercise asks for {asked}.");
        return null;
    }

    static Verdict? DropoutHint(nn.Module model, double p)
    {
        var dropouts = model.modules().OfType<TorchSharp.Modules.Dropout>().ToList();
        if (dropouts.Count == 0) return Verdict.Wrong($"the network has no dropout: add a field dropout = nn.Dropout({p}) and call it in forward.");
        if (dropouts.Any(d => Math.Abs(d.p - p) > 1e-9)) return Verdict.Wrong($"dropout has p = {dropouts[0].p}; this exercise asks for p = {p}.");
        return null;
    }

    /// <summary>The model's output in evaluation mode; a shape error in forward becomes <paramref name="shapeHint"/>.</summary>
    static (Tensor? Value, Verdict? Hint) Run(nn.Module<Tensor, Tensor> model, Tensor input, string shapeHint)
    {
        var training = model.training;
        model.eval();
        try
        {
            using (torch.no_grad()) return (model.call(input), null);
        }
        catch (Exception e) when (e is not NotImplementedException && (e.Message.Contains("shapes cannot be multiplied") || e.Message.Contains("shape '[")))
        {
            return (null, Verdict.Wrong(shapeHint));
        }
        finally { model.train(training); }
    }

    static Verdict? ProbabilityHint(Tensor output)
    {
        var values = Values(output);
        var ones = torch.ones(values.shape[0]);
        if (values.exp().sum(1).allclose(ones, atol: 1e-4) || (values.ge(0).all().item<bool>() && values.sum(1).allclose(ones, atol: 1e-4)))
            return Verdict.Wrong("forward returns (log-)probabilities; nn.CrossEntropyLoss applies the log-softmax itself, so return the last layer's raw scores.");
        return null;
    }

    /// <summary>Whether the model in evaluation mode is affine in its input: f(a) + f(b) − f(0) = f(a + b).</summary>
    static bool Affine(nn.Module<Tensor, Tensor> model, Tensor a)
    {
        var b = torch.rand(a.shape, generator: new Generator(8)).to(a.device);
        var training = model.training;
        model.eval();
        using var _ = torch.no_grad();
        var affine = Same(model.call(a) + model.call(b) - model.call(torch.zeros_like(a)), model.call(a + b));
        model.train(training);
        return affine;
    }

    static bool RandomInTraining(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        var training = model.training;
        model.train();
        using var _ = torch.no_grad();
        var random = !Same(model.call(input), model.call(input));
        model.train(training);
        return random;
    }

    /// <summary>Mean cross-entropy per image of the model's raw scores over the whole loader, in evaluation mode.</summary>
    static double MeanLoss(nn.Module<Tensor, Tensor> model, IEnumerable<(Tensor Data, Tensor Labels)> loader)
    {
        var training = model.training;
        model.eval();
        double sum = 0;
        long seen = 0;
        using (torch.no_grad())
        {
            foreach (var (data, labels) in loader)
            {
                using var scope = torch.NewDisposeScope();
                sum += F.cross_entropy(model.call(data), labels).item<float>() * labels.shape[0];
                seen += labels.shape[0];
            }
        }
        model.train(training);
        return sum / seen;
    }

    /// <summary>
    /// What <c>Cv2.Filter2D(gray, dst, -1, kernel)</c> gives for a byte image: a correlation with the
    /// border mirrored (OpenCV's default, PyTorch's "reflect"), rounded and cut to 0…255; in [0, 1].
    /// </summary>
    static Tensor Filter2D(Tensor gray, Tensor kernel)
    {
        var pixels = (Values(gray) * 255).round();
        var image = pixels.view(1, 1, pixels.shape[^2], pixels.shape[^1]);
        var (rows, cols) = (kernel.shape[0], kernel.shape[1]);
        var padded = F.pad(image, [cols / 2, (cols - 1) / 2, rows / 2, (rows - 1) / 2], PaddingModes.Reflect);
        var filtered = F.conv2d(padded, Values(kernel).view(1, 1, rows, cols)).round().clamp(0, 255) / 255;
        return filtered.view(pixels.shape);
    }

    /// <summary>Two byte images in [0, 1] that differ by at most one grey level (rounding of halves).</summary>
    static bool SameImage(Tensor answer, Tensor expected) =>
        answer.shape.SequenceEqual(expected.shape) && (Values(answer) - Values(expected)).abs().max().item<float>() <= 1.5f / 255;

    static string Direction(double across, double down)
    {
        var horizontal = across > 1e-6 ? "to the right" : across < -1e-6 ? "to the left" : "";
        var vertical = down > 1e-6 ? "downwards" : down < -1e-6 ? "upwards" : "";
        return (horizontal, vertical) switch
        {
            ("", "") => "in no single direction (its weights balance around the centre)",
            (_, "") => horizontal,
            ("", _) => vertical,
            _ => $"{vertical} and {horizontal}",
        };
    }
}
