using System;
using NinjaScriptFacade.Testing;
using NinjaTrader.Cbi;

namespace NinjaTrader.Data
{
    /// <summary>Market data event type. https://ninjatrader.com/support/helpGuides/nt8/marketdataeventargs.htm</summary>
    public enum MarketDataType { Ask, Bid, DailyHigh, DailyLow, DailyVolume, Last, LastClose, Opening, OpenInterest, Settlement, Unknown }

    /// <summary>One change of market data. https://ninjatrader.com/support/helpGuides/nt8/marketdataeventargs.htm</summary>
    public class MarketDataEventArgs : EventArgs
    {
        public double Ask { get; set; }
        public double Bid { get; set; }
        public Instrument Instrument { get; set; }
        /// <summary>True when the event resets the data (e.g. Playback rewind): no trade.</summary>
        public bool IsReset { get; set; }
        public double Last { get; set; }
        public MarketDataType MarketDataType { get; set; }
        public double Price { get; set; }
        public DateTime Time { get; set; }
        public long Volume { get; set; }
    }

    /// <summary>
    /// Snapshot market data and the Update event (a snapshot is delivered right on subscription).
    /// https://ninjatrader.com/support/helpGuides/nt8/marketdata.htm
    /// Facade: subscribing and unsubscribing record whether they ran on the instrument's dispatcher.
    /// </summary>
    public class MarketData
    {
        private EventHandler<MarketDataEventArgs> _update;

        public Instrument Instrument { get; set; }
        public MarketDataEventArgs Last { get; set; }
        public MarketDataEventArgs Bid { get; set; }
        public MarketDataEventArgs Ask { get; set; }

        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/marketdata.htm (Update)</summary>
        public event EventHandler<MarketDataEventArgs> Update
        {
            add { Recorder.Record("MarketData.Update += " + Name() + Where()); _update += value; }
            remove { Recorder.Record("MarketData.Update -= " + Name() + Where()); _update -= value; }
        }

        internal void Fire(MarketDataEventArgs e)
        {
            var h = _update;
            if (h != null) h(this, e);
        }

        private string Name() { return Instrument != null ? Instrument.FullName : "?"; }

        private string Where()
        {
            var d = Instrument != null ? Instrument.Dispatcher : null;
            return d != null && d.CheckAccess() ? " on its dispatcher" : " off its dispatcher";
        }
    }
}

namespace NinjaScriptFacade.Testing
{
    /// <summary>Not part of NinjaTrader: lets a test play a market data event.</summary>
    public static class Feed
    {
        public static void Raise(NinjaTrader.Data.MarketData data, NinjaTrader.Data.MarketDataEventArgs e) { data.Fire(e); }
    }
}
