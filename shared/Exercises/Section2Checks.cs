using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Exercises;

/// <summary>
/// The checks of Section 2's exercises. Each one recomputes the answer from the learner's own inputs
/// (their features, weights, model or loader), compares, and names the likely mistake when the two
/// differ. A <c>null</c> answer, or a stub that throws <see cref="NotImplementedException"/>, is not
/// done yet. Call them through <see cref="Exercise.Check"/>, as the generated check cells do.
/// </summary>
public static class Section2Checks
{
    static Tensor Sigmoid(Tensor x) => torch.sigmoid(x);

    /// <summary>Part 1: the neuron's output, <c>sigmoid(sum(features * weights) + bias)</c>.</summary>
    public static Verdict NeuronOutput(Tensor? y, Tensor features, Tensor weights, Tensor bias)
    {
        if (y is null) return Verdict.NotDone();
        var sum = (features * weights).sum() + bias;
        var expected = Sigmoid(sum);
        if (Same(y, expected)) return Verdict.Correct($"y = {Number(y):F4}, the sigmoid of the weighted sum plus the bias.");
        if (y.shape.SequenceEqual(features.shape)) return Verdict.Wrong($"y has shape {Shape(y)}, one value per feature: did you forget to sum the products?");
        if (Same(y, sum)) return Verdict.Wrong($"y = {Number(y):F4} is the weighted sum plus the bias before the activation: pass it through activation(...).");
        if (Same(y, Sigmoid((features * weights).sum()).view(expected.shape)) || Same(y, Sigmoid((features * weights).sum())))
            return Verdict.Wrong("y leaves out the bias: add it to the weighted sum before the activation.");
        return Verdict.Wrong($"expected {Number(expected):F4} with shape {Shape(expected)}, got {(y.numel() == 1 ? $"{Number(y):F4}" : "")} with shape {Shape(y)}: multiply features and weights element-wise, sum, add the bias, apply activation.");
    }

    /// <summary>Part 1: the same neuron as a matrix product, <c>sigmoid(mm(features, weights.view(5, 1)) + bias)</c>.</summary>
    public static Verdict MatrixNeuron(Tensor? yByMatrix, Tensor features, Tensor weights, Tensor bias)
    {
        if (yByMatrix is null) return Verdict.NotDone();
        var column = weights.view(weights.shape[1], 1);
        var expected = Sigmoid(features.mm(column) + bias);
        if (Same(yByMatrix, expected)) return Verdict.Correct($"yByMatrix = {Number(yByMatrix):F4}, a [1, 5] × [5, 1] product: the same as the element-wise neuron.");
        if (yByMatrix.shape.SequenceEqual(new long[] { features.shape[1], features.shape[1] }))
            return Verdict.Wrong($"yByMatrix has shape {Shape(yByMatrix)}: you multiplied a [5, 1] by a [1, 5]. Keep features as [1, 5] and view weights as [5, 1].");
        if (Same(yByMatrix, features.mm(column) + bias)) return Verdict.Wrong("that is the product plus the bias before the activation: pass it through activation(...).");
        if (Same(yByMatrix, Sigmoid(features.mm(column)))) return Verdict.Wrong("the bias is missing: add it to the matrix product before the activation.");
        return Verdict.Wrong($"expected {Number(expected):F4} with shape {Shape(expected)}, got shape {Shape(yByMatrix)}: activation(torch.mm(features, weights.view(5, 1)) + bias).");
    }

    /// <summary>Part 1: the two-layer network's output, <c>sigmoid(sigmoid(features W1 + B1) W2 + B2)</c>.</summary>
    public static Verdict NetworkOutput(Tensor? output, Tensor features, Tensor W1, Tensor W2, Tensor B1, Tensor B2)
    {
        if (output is null) return Verdict.NotDone();
        var hidden = Sigmoid(features.mm(W1) + B1);
        var expected = Sigmoid(hidden.mm(W2) + B2);
        if (Same(output, expected)) return Verdict.Correct($"output = {Number(output):F4}: the hidden layer's activations fed through the second layer.");
        if (Same(output, hidden.mm(W2) + B2)) return Verdict.Wrong("the output layer's activation is missing: apply activation(...) to the second layer too.");
        if (Same(output, Sigmoid((features.mm(W1) + B1).mm(W2) + B2))) return Verdict.Wrong("the hidden layer's activation is missing: h = activation(torch.mm(features, W1) + B1).");
        if (Same(output, Sigmoid(Sigmoid(features.mm(W1)).mm(W2)))) return Verdict.Wrong("the biases are missing: add B1 to the first product and B2 to the second.");
        return Verdict.Wrong($"expected {Number(expected):F4} with shape {Shape(expected)}, got shape {Shape(output)}: h = activation(features·W1 + B1), output = activation(h·W2 + B2).");
    }

    /// <summary>Part 2: flattened images through a 784-256-10 network built from the learner's random weights.</summary>
    public static Verdict MatrixNetwork(Tensor? output, Tensor images, Tensor? w1, Tensor? b1, Tensor? w2, Tensor? b2)
    {
        if (output is null || w1 is null || b1 is null || w2 is null || b2 is null) return Verdict.NotDone();
        var batch = images.shape[0];
        var expectedShape = new long[] { batch, 10 };
        if (!output.shape.SequenceEqual(expectedShape))
        {
            if (output.shape.SequenceEqual(new long[] { 10, batch }))
                return Verdict.Wrong($"shape [{batch}, 10] expected, got {Shape(output)}: did you multiply in the other order? Rows are images: inputs [{batch}, 784] × w1 [784, 256].");
            return Verdict.Wrong($"shape [{batch}, 10] expected (one row of 10 scores per image), got {Shape(output)}: flatten with images.view(images.shape[0], -1), w1 [784, 256], w2 [256, 10].");
        }
        var inputs = images.view(batch, -1);
        var hidden = Sigmoid(inputs.mm(w1) + b1);
        var expected = hidden.mm(w2) + b2;
        if (Same(output, expected)) return Verdict.Correct($"output {Shape(output)}: sigmoid hidden layer, no activation on the output.");
        if (Same(output, Sigmoid(expected))) return Verdict.Wrong("the output went through the sigmoid too; this exercise leaves the output layer without an activation.");
        if (Same(output, inputs.mm(w1).mm(w2) + b2) || Same(output, (inputs.mm(w1) + b1).mm(w2) + b2))
            return Verdict.Wrong("the hidden layer has no activation: h = activation(torch.mm(inputs, w1) + b1).");
        if (Same(output, Sigmoid(inputs.mm(w1)).mm(w2))) return Verdict.Wrong("the biases are missing: add b1 to the hidden layer's product and b2 to the output.");
        return Verdict.Wrong("the shape is right but the values are not activation(inputs·w1 + b1)·w2 + b2 with your w1, b1, w2, b2.");
    }

    /// <summary>Part 2: <c>softmax</c> of a batch of scores, one probability distribution per row.</summary>
    public static Verdict Softmax(Func<Tensor, Tensor>? softmax)
    {
        if (softmax is null) return Verdict.NotDone();
        var scores = torch.randn(64, 10, generator: new Generator(7));
        Tensor answer;
        try { answer = softmax(scores); }
        catch (Exception e) when (e is not NotImplementedException && e.Message.Contains("size of tensor a"))
        {
            return Verdict.Wrong("dividing [64, 10] by the [64] row sums lines up the wrong dimensions: view the sums as [64, 1] (.view(-1, 1)) so each row is divided by its own sum.");
        }
        if (answer is null) return Verdict.NotDone();
        var expected = torch.softmax(scores, 1);
        if (Same(answer, expected)) return Verdict.Correct("each row of a [64, 10] batch becomes probabilities that sum to 1, as torch.softmax(x, 1) gives.");
        if (!answer.shape.SequenceEqual(scores.shape)) return Verdict.Wrong($"softmax of a [64, 10] batch must be [64, 10], got {Shape(answer)}.");
        if (Same(answer, torch.softmax(scores, 0))) return Verdict.Wrong("each column sums to 1, not each row: sum over dim: 1, the classes of one image.");
        if (Same(answer, torch.exp(scores) / torch.exp(scores).sum())) return Verdict.Wrong("you divided by the sum over the whole batch; each row needs its own sum (torch.sum(..., dim: 1).view(-1, 1)).");
        return Verdict.Wrong("the rows do not match torch.softmax: exponentiate every score, then divide by its row's sum of exponentials.");
    }

    /// <summary>Part 2: the 784-128-64-10 network with ReLU, named <c>fc1</c>, <c>fc2</c>, <c>fc3</c>, ending in softmax.</summary>
    public static Verdict ReluNetwork(nn.Module<Tensor, Tensor>? model)
    {
        if (model is null) return Verdict.NotDone();
        var layers = model.named_children().ToDictionary(c => c.name, c => c.module);
        var sizes = new (string Name, long In, long Out)[] { ("fc1", 784, 128), ("fc2", 128, 64), ("fc3", 64, 10) };
        if (sizes.All(s => !layers.ContainsKey(s.Name))) return Verdict.NotDone();
        foreach (var (name, inputs, outputs) in sizes)
        {
            if (!layers.TryGetValue(name, out var module) || module is not Linear linear)
                return Verdict.Wrong($"{name} is missing: the network needs three Linear layers named fc1, fc2 and fc3.");
            if (linear.in_features != inputs || linear.out_features != outputs)
                return Verdict.Wrong($"{name} is {linear.in_features} → {linear.out_features}; the exercise asks for {inputs} → {outputs}.");
        }
        var fc1 = (Linear)layers["fc1"];
        var fc2 = (Linear)layers["fc2"];
        var fc3 = (Linear)layers["fc3"];
        var device = fc1.weight!.device;
        var x = torch.randn(8, 784, generator: new Generator(7)).to(device);
        Tensor answer;
        using (torch.no_grad())
        {
            answer = model.call(x);
            var scores = fc3.call(F.relu(fc2.call(F.relu(fc1.call(x)))));
            if (Same(answer, F.softmax(scores, 1))) return Verdict.Correct("784 → 128 → 64 → 10 with ReLU between the layers, and each output row sums to 1.");
            if (Same(answer, scores)) return Verdict.Wrong("the outputs are raw scores: end forward with F.softmax(fc3.call(x), dim: 1).");
            if (Same(answer, F.softmax(scores, 0))) return Verdict.Wrong("softmax over dim 0 makes each column sum to 1; use dim: 1, across the classes of each image.");
            if (Same(answer, F.softmax(fc3.call(fc2.call(F.relu(fc1.call(x)))), 1)) || Same(answer, F.softmax(fc3.call(F.relu(fc2.call(fc1.call(x)))), 1)))
                return Verdict.Wrong("a ReLU is missing: apply F.relu after fc1 and after fc2.");
        }
        return Verdict.Wrong("the layers are right but forward does not compute softmax(fc3(relu(fc2(relu(fc1(x)))))).");
    }

    /// <summary>Part 3: a network ending in log-softmax, and its <c>NLLLoss</c> on one batch.</summary>
    public static Verdict LogSoftmaxLoss(nn.Module<Tensor, Tensor>? model, nn.Module<Tensor, Tensor, Tensor>? criterion, Tensor? loss, Tensor images, Tensor labels)
    {
        if (model is null || criterion is null || loss is null) return Verdict.NotDone();
        Tensor outputs;
        using (torch.no_grad()) outputs = model.call(images);
        var rowSums = Values(outputs).exp().sum(1);
        if (Values(outputs).ge(0).all().item<bool>() && Values(outputs).sum(1).allclose(torch.ones_like(rowSums), atol: 1e-4))
            return Verdict.Wrong("the model returns probabilities (it ends with Softmax); NLLLoss needs log-probabilities: end with nn.LogSoftmax(dim: 1).");
        if (!rowSums.allclose(torch.ones_like(rowSums), atol: 1e-4))
            return Verdict.Wrong("exp of the model's outputs does not sum to 1 per image, so they are not log-probabilities: end the model with nn.LogSoftmax(dim: 1).");
        var expected = F.nll_loss(Values(outputs), labels.cpu());
        if (criterion is not NLLLoss) return Verdict.Wrong($"the criterion is {criterion.GetType().Name}; with log-probabilities use nn.NLLLoss().");
        if (Same(loss.reshape(-1), expected.reshape(-1))) return Verdict.Correct($"the model returns log-probabilities and the loss is {Number(loss):F4}, about ln 10 for an untrained network.");
        return Verdict.Wrong($"the loss {Number(loss):F4} is not NLLLoss of the model's output on images and labels ({Number(expected):F4}): loss = criterion.call(model.call(images), labels).");
    }

    /// <summary>
    /// Parts 3 and 4: a training loop. <paramref name="losses"/> holds the mean training loss of each
    /// epoch; the library measures the trained model on a batch of <paramref name="loader"/> itself.
    /// </summary>
    /// <param name="losses">The learner's list of per-epoch mean losses.</param>
    /// <param name="model">The trained network; it returns log-probabilities.</param>
    /// <param name="loader">The training loader.</param>
    /// <param name="epochs">How many epochs the loop was to run.</param>
    /// <param name="flatten">Whether the network takes flattened images (Part 3) rather than [N, 1, 28, 28] (Part 4).</param>
    public static Verdict TrainingLosses(IReadOnlyList<double>? losses, nn.Module<Tensor, Tensor>? model, IEnumerable<(Tensor Data, Tensor Labels)> loader, int epochs, bool flatten = false)
    {
        if (losses is null || model is null || losses.Count == 0) return Verdict.NotDone();
        if (losses.Count != epochs) return Verdict.Wrong($"losses has {losses.Count} entries for {epochs} epochs: add one mean loss per epoch, after the loop over the batches.");
        if (losses.Any(l => !double.IsFinite(l))) return Verdict.Wrong("the loss became NaN or infinite: the learning rate is too high, or the gradients pile up (optimizer.zero_grad() before each backward).");
        var (measured, predictions) = Measure(model, loader, flatten);
        if (predictions.Distinct().Count() == 1) return Verdict.Wrong($"all predictions are class {predictions[0]}: did you forget optimizer.zero_grad()? Gradients that pile up push the network to one class.");
        if (losses[^1] > 3 * measured + 0.5) return Verdict.Wrong($"the last recorded loss, {losses[^1]:F1}, is far above the model's loss on a batch ({measured:F3}): divide running_loss by trainloader.Count to record the mean, not the sum.");
        if (measured > 1.0 || losses[^1] > 0.9 * losses[0])
            return Verdict.Wrong($"the loss did not fall below 1.0 in {epochs} epochs (now {measured:F3} on a batch): is the optimizer stepping (optimizer.step() after loss.backward())?");
        return Verdict.Correct($"the mean loss fell from {losses[0]:F3} to {losses[^1]:F3} over {epochs} epochs; the model scores {measured:F3} on a fresh batch.");
    }

    /// <summary>Part 5: training with a validation pass after each epoch; the library measures the test set itself.</summary>
    public static Verdict ValidationLosses(IReadOnlyList<double>? train_losses, IReadOnlyList<double>? test_losses, nn.Module<Tensor, Tensor>? model, IEnumerable<(Tensor Data, Tensor Labels)> testloader, int epochs)
    {
        if (train_losses is null || test_losses is null || model is null || train_losses.Count + test_losses.Count == 0) return Verdict.NotDone();
        if (train_losses.Count != epochs) return Verdict.Wrong($"train_losses has {train_losses.Count} entries for {epochs} epochs: add the epoch's mean training loss once per epoch.");
        if (test_losses.Count != epochs) return Verdict.Wrong($"test_losses has {test_losses.Count} entries for {epochs} epochs: after each epoch, run over testloader and add the mean test loss.");
        if (!model.training) return Verdict.Wrong("the model is still in evaluation mode: call model.train() after the validation pass, or dropout stays off for the next epoch.");
        var (measured, _) = Measure(model, testloader, flatten: false, wholeLoader: true);
        if (test_losses[^1] > 3 * measured + 0.5) return Verdict.Wrong($"the last test loss, {test_losses[^1]:F1}, is far above the model's mean test loss ({measured:F3}): divide the summed loss by the number of test images.");
        if (Math.Abs(test_losses[^1] - measured) > 0.05 + 0.1 * measured)
            return Verdict.Wrong($"the last test loss, {test_losses[^1]:F3}, differs from the model's loss on the whole test set ({measured:F3}): measure every test batch after the epoch's training, with the same criterion.");
        return Verdict.Correct($"{epochs} epochs, each validated: the last test loss {test_losses[^1]:F3} matches the model's loss on the whole test set ({measured:F3}).");
    }

    /// <summary>Part 4: a classifier from [N, 1, 28, 28] images to log-probabilities over 10 classes, with at least one hidden layer.</summary>
    public static Verdict Classifier(nn.Module<Tensor, Tensor>? model)
    {
        if (model is null) return Verdict.NotDone();
        var linears = model.modules().OfType<Linear>().ToList();
        if (linears.Count == 0) return Verdict.NotDone();
        if (linears.Count < 2) return Verdict.Wrong("there is only one Linear layer: add at least one hidden layer between the 784 inputs and the 10 outputs.");
        var images = torch.randn(4, 1, 28, 28, generator: new Generator(7)).to(linears[0].weight!.device);
        Tensor output;
        using (torch.no_grad())
        {
            try { output = model.call(images); }
            catch (Exception e) when (e is not NotImplementedException && e.Message.Contains("shapes cannot be multiplied"))
            {
                return Verdict.Wrong("a batch [4, 1, 28, 28] does not reach the first layer as [4, 784]: flatten in forward with x = x.view(x.shape[0], -1).");
            }
        }
        if (!output.shape.SequenceEqual(new long[] { 4, 10 })) return Verdict.Wrong($"for 4 images the output must be [4, 10], got {Shape(output)}.");
        var values = Values(output);
        if (values.ge(0).all().item<bool>() && values.sum(1).allclose(torch.ones(4), atol: 1e-4))
            return Verdict.Wrong("the output rows are probabilities (softmax); NLLLoss needs their logarithm: return F.log_softmax(..., dim: 1).");
        if (!values.exp().sum(1).allclose(torch.ones(4), atol: 1e-4))
            return Verdict.Wrong("exp of the output rows does not sum to 1, so they are not log-probabilities: return F.log_softmax(fc_last.call(x), dim: 1).");
        return Verdict.Correct($"{linears.Count} Linear layers, [4, 1, 28, 28] images in, log-probabilities [4, 10] out.");
    }

    /// <summary>Part 5: the classifier with dropout of p = 0.2 after each hidden layer, random in training mode only.</summary>
    public static Verdict Dropout(nn.Module<Tensor, Tensor>? model, double p = 0.2)
    {
        if (model is null) return Verdict.NotDone();
        var linears = model.modules().OfType<Linear>().ToList();
        if (linears.Count == 0) return Verdict.NotDone();
        var images = torch.randn(4, 1, 28, 28, generator: new Generator(7)).to(linears[0].weight!.device);
        var dropouts = model.modules().OfType<TorchSharp.Modules.Dropout>().ToList();
        bool differsInTraining, differsInEval;
        Tensor output;
        using (torch.no_grad())
        {
            model.train();
            output = model.call(images);
            differsInTraining = !Same(output, model.call(images));
            model.eval();
            differsInEval = !Same(model.call(images), model.call(images));
            model.train();
        }
        if (dropouts.Count == 0 && !differsInTraining) return Verdict.Wrong("the network has no dropout: add a Dropout dropout = nn.Dropout(p: 0.2) field and apply it after each hidden layer's ReLU.");
        if (differsInEval) return Verdict.Wrong("the outputs are still random in evaluation mode: use the nn.Dropout module (it follows model.eval()), not F.dropout with training left on.");
        if (!differsInTraining) return Verdict.Wrong("the outputs do not change from pass to pass in training mode: call dropout.call(...) in forward.");
        if (!Values(output).exp().sum(1).allclose(torch.ones(4), atol: 1e-4)) return Verdict.Wrong("the outputs are not log-probabilities: end with F.log_softmax(..., dim: 1), with no dropout after it.");
        if (dropouts.Count > 0 && dropouts.Any(d => Math.Abs(d.p - p) > 1e-9))
            return Verdict.Wrong($"dropout has p = {dropouts[0].p}; this exercise asks for p = {p}.");
        return Verdict.Correct($"dropout (p = {p}) makes training passes random and is off in evaluation mode.");
    }

    /// <summary>Part 6: a checkpoint that holds <paramref name="config"/> and exactly <paramref name="model"/>'s state dict.</summary>
    public static Verdict Checkpoint<TConfig>(Training.Checkpoint<TConfig>? checkpoint, TConfig config, nn.Module model)
    {
        if (checkpoint is null) return Verdict.NotDone();
        if (!Equals(checkpoint.Config, config) && !SameConfig(checkpoint.Config, config))
            return Verdict.Wrong($"the checkpoint's configuration, {checkpoint.Config}, is not the model's: pass config, the description the model was built from.");
        var expected = model.state_dict();
        var missing = expected.Keys.Where(k => !checkpoint.StateDict.ContainsKey(k)).ToList();
        if (missing.Count > 0) return Verdict.Wrong($"the state dict lacks {string.Join(", ", missing.Take(3))}: pass model.state_dict(), the whole network's.");
        var differing = expected.FirstOrDefault(kv => !Same(checkpoint.StateDict[kv.Key], kv.Value));
        if (differing.Key is not null) return Verdict.Wrong($"{differing.Key} differs from the trained model's: take the state dict of model, the network trained above.");
        return Verdict.Correct($"the checkpoint holds config and all {expected.Count} tensors of the trained model.");
    }

    /// <summary>Part 7: <c>Resize(255)</c> then <c>CenterCrop(224)</c>.</summary>
    public static Verdict ResizeAndCrop(torchvision.ITransform? transform)
    {
        if (transform is null) return Verdict.NotDone();
        var photo = torch.rand(3, 300, 400, generator: new Generator(7));
        var answer = transform.call(photo);
        var resized = Transforms.Resize(255).call(photo);
        var expected = Transforms.CenterCrop(224).call(resized);
        if (Same(answer, expected)) return Verdict.Correct("a 300×400 photo becomes 255×340, then its central 224×224.");
        if (Same(answer, resized)) return Verdict.Wrong($"the result is {Shape(answer)}: the photo was resized but not cropped; add Transforms.CenterCrop(224).");
        if (answer.shape.SequenceEqual(expected.shape) && Same(answer, Transforms.Resize(224).call(Transforms.CenterCrop(255).call(photo))))
            return Verdict.Wrong("the crop came before the resize: resize the shorter side to 255 first, then cut the central 224×224.");
        if (answer.shape.SequenceEqual(expected.shape)) return Verdict.Wrong("the size is right but not the picture: Transforms.Compose(Transforms.Resize(255), Transforms.CenterCrop(224)).");
        return Verdict.Wrong($"a 300×400 photo should come out [3, 224, 224], got {Shape(answer)}: Resize(255) keeps proportions, CenterCrop(224) cuts the square.");
    }

    /// <summary>Part 7: augmenting, normalised training transforms and plain, normalised test transforms.</summary>
    public static Verdict Augmentation(torchvision.ITransform? train_transforms, torchvision.ITransform? test_transforms, torchvision.ITransform normalize)
    {
        if (train_transforms is null || test_transforms is null) return Verdict.NotDone();
        var photo = torch.rand(3, 300, 400, generator: new Generator(7));
        var test = test_transforms.call(photo);
        var expectedTest = normalize.call(Transforms.CenterCrop(224).call(Transforms.Resize(255).call(photo)));
        if (!Same(test, test_transforms.call(photo))) return Verdict.Wrong("test_transforms gives a different picture each time: test photos must not be augmented, only resized, cropped and normalised.");
        if (Same(test, Transforms.CenterCrop(224).call(Transforms.Resize(255).call(photo)))) return Verdict.Wrong("the test photos are not normalised: end test_transforms with normalize.");
        if (!Same(test, expectedTest)) return Verdict.Wrong($"test_transforms should be Resize(255), CenterCrop(224), normalize; it gives {Shape(test)} with other values.");
        var first = train_transforms.call(photo);
        var second = train_transforms.call(photo);
        if (!first.shape.SequenceEqual(new long[] { 3, 224, 224 })) return Verdict.Wrong($"training photos must come out [3, 224, 224], got {Shape(first)}: RandomResizedCrop(224) sets the size.");
        if (Same(first, second)) return Verdict.Wrong("train_transforms gives the same picture every time: add the random transforms (rotation, resized crop, flip).");
        if (Values(first).min().item<float>() >= 0) return Verdict.Wrong("the training photos are not normalised (no value is below 0): end train_transforms with normalize.");
        return Verdict.Correct("training photos are augmented differently on every call and normalised; test photos are resized, cropped and normalised, the same every time.");
    }

    /// <summary>Part 8: the classifier trained on the frozen features; the library measures the test accuracy itself.</summary>
    public static Verdict TransferTraining(IReadOnlyList<double>? testAccuracy, nn.Module<Tensor, Tensor> model, IEnumerable<(Tensor Data, Tensor Labels)> testloader, double atLeast = 0.6)
    {
        if (testAccuracy is null || testAccuracy.Count == 0) return Verdict.NotDone();
        if (!model.training) return Verdict.Wrong("the model is still in evaluation mode after training: call model.train() after each test pass, or dropout stays off.");
        var (_, predictions, accuracy) = MeasureAccuracy(model, testloader);
        model.train();
        if (predictions.Distinct().Count() == 1) return Verdict.Wrong($"every test photo is predicted as class {predictions[0]}: did you forget optimizer.zero_grad(), or step an optimiser over the wrong parameters?");
        if (Math.Abs(testAccuracy[^1] - accuracy) > 0.02) return Verdict.Wrong($"the last accuracy you recorded, {testAccuracy[^1]:F3}, is not the model's accuracy on the test photos ({accuracy:F3}): count the correct predictions over the whole test set and divide by its size.");
        if (accuracy < atLeast) return Verdict.Wrong($"test accuracy {accuracy:P0} is barely above guessing: is the optimizer stepping the classifier's parameters after loss.backward()?");
        return Verdict.Correct($"the classifier reaches {accuracy:P1} on the test photos, as the library measures it.");
    }

    static bool SameConfig<TConfig>(TConfig a, TConfig b) =>
        System.Text.Json.JsonSerializer.Serialize(a) == System.Text.Json.JsonSerializer.Serialize(b);

    /// <summary>Mean NLL loss and predicted classes of the model on the first batch (or the whole loader), in evaluation mode.</summary>
    static (double Loss, List<long> Predictions) Measure(nn.Module<Tensor, Tensor> model, IEnumerable<(Tensor Data, Tensor Labels)> loader, bool flatten, bool wholeLoader = false)
    {
        var training = model.training;
        model.eval();
        double lossSum = 0;
        long seen = 0;
        var predictions = new List<long>();
        using (torch.no_grad())
        {
            foreach (var (images, labels) in wholeLoader ? loader : loader.Take(1))
            {
                using var scope = torch.NewDisposeScope();
                var input = flatten ? images.view(images.shape[0], -1) : images;
                var logps = model.call(input);
                lossSum += F.nll_loss(logps, labels).item<float>() * labels.shape[0];
                seen += labels.shape[0];
                predictions.AddRange(logps.argmax(1).cpu().data<long>());
            }
        }
        model.train(training);
        return (lossSum / seen, predictions);
    }

    static (double Loss, List<long> Predictions, double Accuracy) MeasureAccuracy(nn.Module<Tensor, Tensor> model, IEnumerable<(Tensor Data, Tensor Labels)> loader)
    {
        model.eval();
        long correct = 0, seen = 0;
        double lossSum = 0;
        var predictions = new List<long>();
        using (torch.no_grad())
        {
            foreach (var (images, labels) in loader)
            {
                using var scope = torch.NewDisposeScope();
                var logps = model.call(images);
                lossSum += F.nll_loss(logps, labels).item<float>() * labels.shape[0];
                var predicted = logps.argmax(1);
                correct += predicted.eq(labels).sum().item<long>();
                seen += labels.shape[0];
                predictions.AddRange(predicted.cpu().data<long>());
            }
        }
        return (lossSum / seen, predictions, (double)correct / seen);
    }
}
