using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Exercises;

// Section 2, Part 6: saving and loading a checkpoint.
public static partial class Section2Checks
{
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

    static bool SameConfig<TConfig>(TConfig a, TConfig b) =>
        System.Text.Json.JsonSerializer.Serialize(a) == System.Text.Json.JsonSerializer.Serialize(b);
}
