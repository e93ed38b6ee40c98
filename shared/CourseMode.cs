namespace DeepLearningCourse;

/// <summary>How much work a lesson does: everything (learners) or a quick pass (CI).</summary>
/// <remarks>A leaf every layer may name: the infrastructure resolves it, the data layer's fast mode acts on it, and
/// <see cref="Course.Mode"/> shows it to lessons.</remarks>
public enum CourseMode { Full, Fast }
