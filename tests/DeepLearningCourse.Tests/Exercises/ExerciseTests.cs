using DeepLearningCourse.Exercises;

namespace DeepLearningCourse.Tests.Exercises;

/// <summary>How a check cell reports, and how a guarded cell learns that an answer is not done.</summary>
[Collection(ProcessWideState.Name)]
public sealed class ExerciseTests
{
    public ExerciseTests() => Exercise.Reset();

    [Fact]
    public void A_stub_is_not_done_and_cells_that_need_it_are_skipped_with_its_name()
    {
        var verdict = Exercise.Check("first", () => throw new NotImplementedException());

        Assert.Equal(VerdictKind.NotDone, verdict.Kind);
        Assert.StartsWith("… Not done yet", verdict.ToString());
        Assert.True(Exercise.Pending("other", "first"));
        Assert.Contains("\"first\"", Exercise.Skipped);
        Assert.False(Exercise.Pending("other"));
    }

    [Fact]
    public void An_exception_from_the_learner_s_code_becomes_a_one_line_hint()
    {
        var verdict = Exercise.Check("broken", () => throw new InvalidOperationException("shapes differ\n  at some native frame"));

        Assert.Equal(VerdictKind.Wrong, verdict.Kind);
        Assert.Equal("✘ Not quite: your code threw InvalidOperationException: shapes differ", verdict.ToString());
    }

    [Fact]
    public void After_a_check_says_not_quite_the_cells_that_use_the_answer_are_skipped_until_it_passes()
    {
        Exercise.Check("batches", () => Verdict.Wrong("y equals x"));

        Assert.True(Exercise.Pending("batches"));
        Assert.Contains("\"batches\"", Exercise.Skipped);
        Assert.Contains("not quite right", Exercise.Skipped);
        var later = Exercise.Check("training", () => Verdict.Correct("fine"), after: "batches");
        Assert.Equal(VerdictKind.NotDone, later.Kind);
        Assert.Contains("fix that exercise first", later.Message);

        Exercise.Check("batches", () => Verdict.Correct("right"));
        Assert.False(Exercise.Pending("batches"));
    }

    [Fact]
    public void A_libtorch_error_in_the_learner_s_code_becomes_one_sentence_without_the_native_trace()
    {
        TorchFixture.Ensure();
        var verdict = Exercise.Check("layer", () =>
        {
            TorchSharp.torch.nn.Linear(1024, 500).call(TorchSharp.torch.ones(20, 1000));
            return Verdict.Correct("ran");
        });

        Assert.Equal(VerdictKind.Wrong, verdict.Kind);
        Assert.Contains("takes 1024 values per row was given rows of 1000", verdict.Message);
        Assert.DoesNotContain("\n", verdict.Message);
        Assert.DoesNotContain("frame #", verdict.Message);
    }

    [Fact]
    public void A_check_that_needs_an_unfinished_exercise_says_so_and_counts_as_not_done()
    {
        Exercise.Check("classifier", () => Verdict.NotDone());
        var ran = false;

        var verdict = Exercise.Check("loop", () => { ran = true; return Verdict.Correct("fine"); }, after: "classifier");

        Assert.False(ran);
        Assert.Equal(VerdictKind.NotDone, verdict.Kind);
        Assert.Contains("\"classifier\"", verdict.Message);
        Assert.True(Exercise.Pending("loop"));

        Exercise.Check("classifier", () => Verdict.Correct("done"));
        Assert.Equal(VerdictKind.Correct, Exercise.Check("loop", () => Verdict.Correct("fine"), after: "classifier").Kind);
    }
}
