// Compiled by NinjaTrader 8.1+ (C# 7.3); checked in CI against ninjatrader-addon/NinjaScript.Facade.
#region Using declarations
using System;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Linq;
using EnigmaApex.Client.Bridge;
using EnigmaApex.Client.Protocol;
using EnigmaApex.Client.Transport;
using NinjaTrader.NinjaScript.AddOns.EnigmaApexBridge;
#endregion

// This namespace holds indicators and is required by NinjaTrader. Do not change it.
namespace NinjaTrader.NinjaScript.Indicators
{
    /// <summary>
    /// Add to a chart beside the Enigma indicator: on every bar it reads the Enigma indicator's
    /// plots, maps them to a Signal with the settings file's <c>signal_mapping</c> (the Enigma
    /// indicator's internals are not published, so the mapping is configuration), and sends the
    /// signal to the engine through the AddOn's connection. Draws nothing. Never throws out of
    /// OnBarUpdate (an exception there disables the indicator): plots are read as PlotReadPolicy
    /// allows, and the chart's indicator list is searched on the chart's dispatcher with InvokeAsync.
    /// </summary>
    public class EnigmaBridge : Indicator
    {
        private volatile IndicatorBase _enigma;
        private volatile bool _searching;
        private SignalMapping _mapping;
        private readonly SignalDeduplicator _dedupe = new SignalDeduplicator();
        private bool _warned;
        private bool _failed;

        [NinjaScriptProperty]
        [Display(Name = "Enigma indicator name", Description = "Name of the Enigma indicator on this chart; empty uses signal_mapping.indicator.", Order = 1, GroupName = "Enigma-Apex")]
        public string EnigmaIndicatorName { get; set; }

        [NinjaScriptProperty]
        [Display(Name = "Send historical signals", Description = "Also send signals of historical bars (normally off: only live bars trade).", Order = 2, GroupName = "Enigma-Apex")]
        public bool SendHistorical { get; set; }

        protected override void OnStateChange()
        {
            if (State == State.SetDefaults)
            {
                Name = "EnigmaBridge";
                Description = "Forwards the Enigma indicator's signals to the Enigma-Apex engine.";
                Calculate = Calculate.OnBarClose;
                IsOverlay = true;
                DisplayInDataBox = false;
                PaintPriceMarkers = false;
                EnigmaIndicatorName = string.Empty;
                SendHistorical = false;
            }
            else if (State == State.DataLoaded)
            {
                var host = EnigmaApexHost.Current;
                _mapping = host != null ? host.Settings.SignalMapping : SignalMapping.Default();
            }
        }

        protected override void OnBarUpdate()
        {
            try
            {
                Forward();
            }
            catch (Exception e)
            {
                if (!_failed) Print("EnigmaBridge: " + e.GetType().Name + ": " + e.Message + " (signals of this bar not sent; further errors are not printed)");
                _failed = true;
            }
        }

        private void Forward()
        {
            if (State == State.Historical && !SendHistorical) return;
            var host = EnigmaApexHost.Current;
            if (host == null || _mapping == null) return;
            var enigma = _enigma;
            if (enigma == null) { FindEnigma(); return; }

            int bar = CurrentBar;
            long ts = NtTime.ToMicros(Time[0]);
            var signal = _mapping.Map(r => ReadPlot(enigma, r), Instrument.FullName, ts, Close[0]);
            if (signal == null || !_dedupe.ShouldEmit(bar, signal.Direction)) return;
            long seq;
            if (!host.Client.TrySend(signal, out seq)) Print("EnigmaBridge: outbound buffer full, signal not sent");
        }

        private double ReadPlot(IndicatorBase enigma, PlotRef r)
        {
            int index = r.Index;
            if (index < 0)
            {
                for (int i = 0; i < enigma.Plots.Length; i++)
                    if (enigma.Plots[i].Name == r.Plot) { index = i; break; }
            }
            if (index < 0 || index >= enigma.Values.Length) return double.NaN;
            var series = enigma.Values[index];
            int barIndex = CurrentBar - r.BarsAgo;
            switch (PlotReadPolicy.Decide(enigma.MaximumBarsLookBack == MaximumBarsLookBack.Infinite, CurrentBar, r.BarsAgo))
            {
                case PlotRead.CheckValidity: return series.IsValidDataPointAt(barIndex) ? series.GetValueAt(barIndex) : double.NaN;
                case PlotRead.ReadUnchecked: return series.GetValueAt(barIndex);
                default: return double.NaN;
            }
        }

        private void FindEnigma()
        {
            if (_searching || ChartControl == null) return;
            _searching = true;
            string wanted = string.IsNullOrEmpty(EnigmaIndicatorName) ? _mapping.Indicator : EnigmaIndicatorName;
            // The chart's indicator list belongs to the UI thread; never block the bar-update thread on it.
            ChartControl.Dispatcher.InvokeAsync(() =>
            {
                try
                {
                    _enigma = ChartControl.Indicators.FirstOrDefault(i => i != this && (i.Name == wanted || i.GetType().Name == wanted)) as IndicatorBase;
                    if (_enigma == null && !_warned)
                    {
                        _warned = true;
                        Print("EnigmaBridge: no indicator named '" + wanted + "' on this chart; add it, or set the name in signal_mapping.indicator.");
                    }
                }
                catch (Exception e)
                {
                    Print("EnigmaBridge: looking for '" + wanted + "' failed: " + e.Message);
                }
                finally
                {
                    _searching = false;
                }
            });
        }
    }
}

#region NinjaScript generated code. Neither change nor remove.

namespace NinjaTrader.NinjaScript.Indicators
{
	public partial class Indicator : NinjaTrader.Gui.NinjaScript.IndicatorRenderBase
	{
		private EnigmaBridge[] cacheEnigmaBridge;
		public EnigmaBridge EnigmaBridge(string enigmaIndicatorName, bool sendHistorical)
		{
			return EnigmaBridge(Input, enigmaIndicatorName, sendHistorical);
		}

		public EnigmaBridge EnigmaBridge(ISeries<double> input, string enigmaIndicatorName, bool sendHistorical)
		{
			if (cacheEnigmaBridge != null)
				for (int idx = 0; idx < cacheEnigmaBridge.Length; idx++)
					if (cacheEnigmaBridge[idx] != null && cacheEnigmaBridge[idx].EnigmaIndicatorName == enigmaIndicatorName && cacheEnigmaBridge[idx].SendHistorical == sendHistorical && cacheEnigmaBridge[idx].EqualsInput(input))
						return cacheEnigmaBridge[idx];
			return CacheIndicator<EnigmaBridge>(new EnigmaBridge(){ EnigmaIndicatorName = enigmaIndicatorName, SendHistorical = sendHistorical }, input, ref cacheEnigmaBridge);
		}
	}
}

namespace NinjaTrader.NinjaScript.MarketAnalyzerColumns
{
	public partial class MarketAnalyzerColumn : MarketAnalyzerColumnBase
	{
		public Indicators.EnigmaBridge EnigmaBridge(string enigmaIndicatorName, bool sendHistorical)
		{
			return indicator.EnigmaBridge(Input, enigmaIndicatorName, sendHistorical);
		}

		public Indicators.EnigmaBridge EnigmaBridge(ISeries<double> input , string enigmaIndicatorName, bool sendHistorical)
		{
			return indicator.EnigmaBridge(input, enigmaIndicatorName, sendHistorical);
		}
	}
}

namespace NinjaTrader.NinjaScript.Strategies
{
	public partial class Strategy : NinjaTrader.Gui.NinjaScript.StrategyRenderBase
	{
		public Indicators.EnigmaBridge EnigmaBridge(string enigmaIndicatorName, bool sendHistorical)
		{
			return indicator.EnigmaBridge(Input, enigmaIndicatorName, sendHistorical);
		}

		public Indicators.EnigmaBridge EnigmaBridge(ISeries<double> input , string enigmaIndicatorName, bool sendHistorical)
		{
			return indicator.EnigmaBridge(input, enigmaIndicatorName, sendHistorical);
		}
	}
}

#endregion
