using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;

namespace DeepLearningCourse.Exercises;

// Section 3, Lesson 2: kernels for OpenCV's Filter2D.
public static partial class Section3Checks
{
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
}
