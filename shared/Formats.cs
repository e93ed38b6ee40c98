using System.Globalization;

namespace DeepLearningCourse;

/// <summary>How the course prints numbers: invariant culture, but percentages as "87.1%" rather than "87.1 %".</summary>
static class Formats
{
    public static readonly NumberFormatInfo Number = CreateNumber();

    static NumberFormatInfo CreateNumber()
    {
        var format = (NumberFormatInfo)CultureInfo.InvariantCulture.NumberFormat.Clone();
        format.PercentPositivePattern = 1;
        format.PercentNegativePattern = 1;
        return format;
    }
}
