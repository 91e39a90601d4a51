namespace EnigmaApex.Client.Bridge
{
    /// <summary>How EnigmaBridge may read a plot value of another indicator.</summary>
    public enum PlotRead
    {
        /// <summary>The series keeps every bar: ask <c>IsValidDataPointAt</c>, then <c>GetValueAt</c>.</summary>
        CheckValidity,
        /// <summary>A 256-bar series: <c>IsValidDataPointAt</c> throws on it (and an exception in OnBarUpdate disables the indicator), so read the value and let the mapping treat 0/NaN as missing.</summary>
        ReadUnchecked,
        /// <summary>Before the first bar or beyond what the series keeps: no value.</summary>
        OutOfRange,
    }

    /// <summary>
    /// NinjaTrader's <c>IsValidDataPointAt</c> only works on <c>MaximumBarsLookBack.Infinite</c> series
    /// (https://developer.ninjatrader.com/docs/desktop/isvaliddatapointat); a <c>TwoHundredFiftySix</c>
    /// series keeps the last 256 values only.
    /// </summary>
    public static class PlotReadPolicy
    {
        /// <summary>Bars a <c>MaximumBarsLookBack.TwoHundredFiftySix</c> series keeps.</summary>
        public const int LookBack256 = 256;

        public static PlotRead Decide(bool seriesIsInfinite, int currentBar, int barsAgo)
        {
            if (barsAgo < 0 || currentBar - barsAgo < 0) return PlotRead.OutOfRange;
            if (seriesIsInfinite) return PlotRead.CheckValidity;
            return barsAgo < LookBack256 ? PlotRead.ReadUnchecked : PlotRead.OutOfRange;
        }
    }
}
