using System;
using System.Collections.Generic;
using NinjaScriptFacade.Testing;

namespace NinjaTrader.NinjaScript
{
    /// <summary>Lifecycle states. https://ninjatrader.com/support/helpGuides/nt8/state.htm</summary>
    public enum State { SetDefaults, Configure, Active, DataLoaded, Historical, Transition, Realtime, Terminated, Finalized }

    /// <summary>When OnBarUpdate runs. https://ninjatrader.com/support/helpGuides/nt8/calculate.htm</summary>
    public enum Calculate { OnBarClose, OnEachTick, OnPriceChange }

    /// <summary>How many values a series keeps. https://ninjatrader.com/support/helpGuides/nt8/maximumbarslookback.htm</summary>
    public enum MaximumBarsLookBack { TwoHundredFiftySix, Infinite }

    /// <summary>Marks a NinjaScript input property. https://ninjatrader.com/support/helpGuides/nt8/ninjascriptproperty.htm</summary>
    [AttributeUsage(AttributeTargets.Property)]
    public sealed class NinjaScriptPropertyAttribute : Attribute { }

    /// <summary>The root of every NinjaScript object. https://ninjatrader.com/support/helpGuides/nt8/onstatechange.htm</summary>
    public abstract class NinjaScript
    {
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/state.htm</summary>
        public State State { get; set; }
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/name.htm</summary>
        public string Name { get; set; }
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/description.htm</summary>
        public string Description { get; set; }

        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/onstatechange.htm</summary>
        protected virtual void OnStateChange() { }

        /// <summary>Facade only: lets a test drive the lifecycle (NinjaTrader calls OnStateChange itself).</summary>
        public void SetStateForTest(State state) { State = state; OnStateChange(); }
    }

    /// <summary>A series of values indexed by bars ago. https://ninjatrader.com/support/helpGuides/nt8/iseriest.htm</summary>
    public interface ISeries<T>
    {
        /// <summary>The value <paramref name="barsAgo"/> bars ago.</summary>
        T this[int barsAgo] { get; }
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/iseries_count.htm</summary>
        int Count { get; }
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/getvalueat.htm</summary>
        T GetValueAt(int barIndex);
        /// <summary>Only on a MaximumBarsLookBack.Infinite series; throws otherwise. https://ninjatrader.com/support/helpGuides/nt8/isvaliddatapoint.htm</summary>
        bool IsValidDataPoint(int barsAgo);
        /// <summary>Only on a MaximumBarsLookBack.Infinite series; throws otherwise. https://ninjatrader.com/support/helpGuides/nt8/isvaliddatapointat.htm</summary>
        bool IsValidDataPointAt(int barIndex);
    }

    /// <summary>
    /// A custom series. https://ninjatrader.com/support/helpGuides/nt8/seriest.htm
    /// Facade: holds values set by a test; IsValidDataPoint(At) record their calls and throw on a
    /// 256-bar series as the reference warns.
    /// </summary>
    public class Series<T> : ISeries<T>
    {
        private readonly List<T> _values = new List<T>();
        private readonly List<bool> _set = new List<bool>();
        private readonly MaximumBarsLookBack _lookBack;

        public Series(NinjaScriptBase ninjascriptObject, MaximumBarsLookBack maximumBarsLookBack)
        {
            _lookBack = maximumBarsLookBack;
        }

        public Series(NinjaScriptBase ninjascriptObject) : this(ninjascriptObject, MaximumBarsLookBack.TwoHundredFiftySix) { }

        public T this[int barsAgo] { get { return _values[_values.Count - 1 - barsAgo]; } }
        public int Count { get { return _values.Count; } }
        public T GetValueAt(int barIndex) { return _values[barIndex]; }

        public bool IsValidDataPoint(int barsAgo) { return IsValidDataPointAt(_values.Count - 1 - barsAgo); }

        public bool IsValidDataPointAt(int barIndex)
        {
            Recorder.Record("IsValidDataPointAt " + barIndex);
            if (_lookBack != MaximumBarsLookBack.Infinite)
                throw new InvalidOperationException("IsValidDataPointAt only works on a MaximumBarsLookBack.Infinite series");
            return barIndex >= 0 && barIndex < _set.Count && _set[barIndex];
        }

        /// <summary>Facade only: appends one bar's value (NaN-free) or an unset slot.</summary>
        public void AddForTest(T value, bool isSet) { _values.Add(value); _set.Add(isSet); }
    }

    /// <summary>
    /// Members of indicators and strategies used by the layer (NinjaTrader.NinjaScript.NinjaScriptBase).
    /// https://ninjatrader.com/support/helpGuides/nt8/indicator.htm
    /// </summary>
    public abstract class NinjaScriptBase : NinjaScript
    {
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/calculate.htm</summary>
        public Calculate Calculate { get; set; }
        /// <summary>Index of the bar being processed. https://ninjatrader.com/support/helpGuides/nt8/currentbar.htm</summary>
        public int CurrentBar { get; set; }
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/close.htm</summary>
        public ISeries<double> Close { get; set; }
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/time.htm</summary>
        public ISeries<DateTime> Time { get; set; }
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/input.htm</summary>
        public ISeries<double> Input { get; set; }
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/instrument.htm</summary>
        public NinjaTrader.Cbi.Instrument Instrument { get; set; }
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/maximumbarslookback.htm</summary>
        public MaximumBarsLookBack MaximumBarsLookBack { get; set; }

        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/onbarupdate.htm</summary>
        protected virtual void OnBarUpdate() { }

        /// <summary>Facade only: lets a test run one bar update.</summary>
        public void BarUpdateForTest() { OnBarUpdate(); }

        /// <summary>Writes to the Output window. https://ninjatrader.com/support/helpGuides/nt8/print.htm</summary>
        public void Print(object value) { Recorder.Record("Print " + value); }

        /// <summary>Used by the generated code region of indicators.</summary>
        public bool EqualsInput(ISeries<double> input) { return ReferenceEquals(Input, input); }
    }

    /// <summary>A plot of an indicator. https://ninjatrader.com/support/helpGuides/nt8/plots.htm</summary>
    public class Plot
    {
        public string Name { get; set; }
    }

    /// <summary>Indicator members. https://ninjatrader.com/support/helpGuides/nt8/indicator.htm</summary>
    public abstract class IndicatorBase : NinjaScriptBase
    {
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/displayindatabox.htm</summary>
        public bool DisplayInDataBox { get; set; }
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/isoverlay.htm</summary>
        public bool IsOverlay { get; set; }
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/paintpricemarkers.htm</summary>
        public bool PaintPriceMarkers { get; set; }
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/plots.htm</summary>
        public Plot[] Plots { get; set; }
        /// <summary>The plots' series. https://ninjatrader.com/support/helpGuides/nt8/values.htm</summary>
        public Series<double>[] Values { get; set; }

        /// <summary>Used by the generated code region of indicators (caches one instance per parameters and input).</summary>
        protected T CacheIndicator<T>(T indicator, ISeries<double> input, ref T[] cache) where T : IndicatorBase
        {
            indicator.Input = input;
            var list = cache == null ? new List<T>() : new List<T>(cache);
            list.Add(indicator);
            cache = list.ToArray();
            return indicator;
        }
    }

    /// <summary>Strategy members the generated code region uses. https://ninjatrader.com/support/helpGuides/nt8/strategy.htm</summary>
    public abstract class StrategyBase : NinjaScriptBase { }

    /// <summary>Market Analyzer column members the generated code region uses. https://ninjatrader.com/support/helpGuides/nt8/market_analyzer_column.htm</summary>
    public abstract class MarketAnalyzerColumnBase : NinjaScriptBase { }

    /// <summary>
    /// The base of AddOns: OnStateChange plus the window hooks.
    /// https://ninjatrader.com/support/helpGuides/nt8/add_on.htm
    /// </summary>
    public abstract class AddOnBase : NinjaScript
    {
#if NETFRAMEWORK
        /// <summary>Every NinjaTrader window as it is created. https://ninjatrader.com/support/helpGuides/nt8/onwindowcreated.htm</summary>
        protected virtual void OnWindowCreated(System.Windows.Window window) { }

        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/onwindowdestroyed.htm</summary>
        protected virtual void OnWindowDestroyed(System.Windows.Window window) { }
#endif
    }
}

namespace NinjaTrader.Gui.NinjaScript
{
    using NinjaTrader.NinjaScript;

    /// <summary>Rendering layer of indicators; ChartControl is the chart hosting them. https://ninjatrader.com/support/helpGuides/nt8/chartcontrol.htm</summary>
    public abstract class IndicatorRenderBase : IndicatorBase
    {
        public NinjaTrader.Gui.Chart.ChartControl ChartControl { get; set; }
    }

    /// <summary>Rendering layer of strategies.</summary>
    public abstract class StrategyRenderBase : StrategyBase { }
}

namespace NinjaTrader.Gui.Chart
{
    /// <summary>
    /// The chart (a WPF control in NinjaTrader; only the members used here).
    /// https://ninjatrader.com/support/helpGuides/nt8/chartcontrol.htm
    /// </summary>
    public class ChartControl
    {
        public ChartControl() { Indicators = new System.Collections.ObjectModel.ObservableCollection<NinjaTrader.Gui.NinjaScript.IndicatorRenderBase>(); }

        /// <summary>The chart's UI dispatcher: its indicator list belongs to it. https://ninjatrader.com/support/helpGuides/nt8/multi-threading.htm</summary>
        public System.Windows.Threading.Dispatcher Dispatcher { get; set; }

        /// <summary>Indicators on the chart. https://ninjatrader.com/support/helpGuides/nt8/chartcontrol.htm</summary>
        public System.Collections.ObjectModel.ObservableCollection<NinjaTrader.Gui.NinjaScript.IndicatorRenderBase> Indicators { get; private set; }
    }
}
