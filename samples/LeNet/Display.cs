using System.Globalization;

namespace LeNet;

/// <summary>How the sample prints numbers: the invariant culture (1,234.5), with percentages written "91.23%".</summary>
internal static class Display
{
    public static CultureInfo Culture { get; } = Create();

    private static CultureInfo Create()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.PercentPositivePattern = 1; // n%
        culture.NumberFormat.PercentNegativePattern = 1; // -n%
        return CultureInfo.ReadOnly(culture);
    }
}
