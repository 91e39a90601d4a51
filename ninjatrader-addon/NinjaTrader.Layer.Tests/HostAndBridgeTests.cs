using System;
using System.Diagnostics;
using System.Linq;
using EnigmaApex.Client.Json;
using NinjaScriptFacade.Testing;
using NinjaTrader.Cbi;
using NinjaTrader.NinjaScript;
using NinjaTrader.NinjaScript.AddOns.EnigmaApexBridge;
using NinjaTrader.NinjaScript.Indicators;
using Xunit;

namespace NinjaTrader.Layer.Tests
{
    public class HostTests
    {
        [Fact]
        public void TheSentOrderRegistryIsSeededFromTheAccountsOrdersAtStartAndWhenAnAccountLogsInLater()
        {
            Nt.Reset();
            Nt.WriteSettings("{\"accounts\":[\"APEX-1\",\"APEX-2\"],\"auto_connect\":false}");
            Nt.AddAccount("APEX-1", "ea-9");
            var host = EnigmaApexHost.Acquire();
            try
            {
                Assert.True(host.Dispatcher.Orders.Contains("ea-9"));
                var late = Nt.AddAccount("APEX-2", "ea-10");
                Assert.False(host.Dispatcher.Orders.Contains("ea-10"));
                late.RaiseAccountStatusUpdate(new AccountStatusEventArgs { Account = late, Status = ConnectionStatus.Connected });
                Assert.True(host.Dispatcher.Orders.Contains("ea-10"));
            }
            finally
            {
                EnigmaApexHost.Release();
            }
        }

        [Fact]
        public void StoppingTheHostDoesNotWaitForTheLinkToClose()
        {
            Nt.Reset();
            // An engine that never answers: a blocking stop would wait for the drain and the close.
            Nt.WriteSettings("{\"accounts\":[\"APEX-1\"],\"endpoint\":\"ws://127.0.0.1:9/v1/stream\",\"token\":\"t\",\"auto_connect\":true}");
            var host = EnigmaApexHost.Acquire();
            host.Client.Send(new EnigmaApex.Client.Protocol.KillMessage { Reason = "unacknowledged" }, TimeSpan.FromSeconds(1));
            var sw = Stopwatch.StartNew();
            EnigmaApexHost.Release();
            Assert.True(sw.ElapsedMilliseconds < 500, "Release took " + sw.ElapsedMilliseconds + " ms");
            Assert.Null(EnigmaApexHost.Current);
        }
    }

    /// <summary>The Enigma indicator as EnigmaBridge finds it on a chart.</summary>
    public class FakeEnigma : Indicator
    {
        public FakeEnigma(MaximumBarsLookBack lookBack, params double[] signals)
        {
            Name = "Enigma";
            MaximumBarsLookBack = lookBack;
            Plots = new[] { new Plot { Name = "Signal" } };
            var series = new Series<double>(this, lookBack);
            foreach (var s in signals) series.AddForTest(s, true);
            Values = new[] { series };
        }
    }

    public class BridgeTests
    {
        private static EnigmaBridge Bridge(FakeEnigma enigma, int bars)
        {
            var chart = new NinjaTrader.Gui.Chart.ChartControl { Dispatcher = new System.Windows.Threading.Dispatcher() };
            var bridge = new EnigmaBridge();
            chart.Indicators.Add(bridge);
            chart.Indicators.Add(enigma);
            bridge.ChartControl = chart;
            bridge.Instrument = new Instrument { FullName = "NQ 12-26" };
            var close = new Series<double>(bridge, MaximumBarsLookBack.Infinite);
            var time = new Series<DateTime>(bridge, MaximumBarsLookBack.Infinite);
            for (int i = 0; i < bars; i++) { close.AddForTest(21000 + i, true); time.AddForTest(new DateTime(2026, 12, 7, 15, 0, 0).AddMinutes(i), true); }
            bridge.Close = close;
            bridge.Time = time;
            bridge.CurrentBar = bars - 1;
            bridge.SetStateForTest(State.SetDefaults);
            bridge.SetStateForTest(State.DataLoaded);
            bridge.State = State.Realtime;
            return bridge;
        }

        [Fact]
        public void ReadsA256BarPlotWithoutIsValidDataPointAtAndFindsTheIndicatorOnTheChartsDispatcher()
        {
            Nt.Reset();
            Nt.WriteSettings("{\"auto_connect\":false}");
            var host = EnigmaApexHost.Acquire();
            try
            {
                var bridge = Bridge(new FakeEnigma(MaximumBarsLookBack.TwoHundredFiftySix, 0, 0, 1), 3);
                bridge.BarUpdateForTest();   // the search is queued on the chart's dispatcher, not run here
                Assert.Empty(Nt.Sent(host.Client, "signal"));
                bridge.ChartControl.Dispatcher.RunPending();
                bridge.BarUpdateForTest();
                var signal = Nt.Sent(host.Client, "signal").Single();
                Assert.Equal("long", signal.GetString("direction"));
                Assert.DoesNotContain(Recorder.Calls, c => c.StartsWith("IsValidDataPointAt", StringComparison.Ordinal));
                Assert.DoesNotContain(Recorder.Calls, c => c.StartsWith("Print EnigmaBridge", StringComparison.Ordinal));
            }
            finally
            {
                EnigmaApexHost.Release();
            }
        }

        [Fact]
        public void AnInfinitePlotIsCheckedWithIsValidDataPointAt()
        {
            Nt.Reset();
            Nt.WriteSettings("{\"auto_connect\":false}");
            var host = EnigmaApexHost.Acquire();
            try
            {
                var bridge = Bridge(new FakeEnigma(MaximumBarsLookBack.Infinite, 0, -1), 2);
                bridge.BarUpdateForTest();
                bridge.ChartControl.Dispatcher.RunPending();
                bridge.BarUpdateForTest();
                Assert.Equal("short", Nt.Sent(host.Client, "signal").Single().GetString("direction"));
                Assert.Contains("IsValidDataPointAt 1", Recorder.Calls);
            }
            finally
            {
                EnigmaApexHost.Release();
            }
        }
    }
}
