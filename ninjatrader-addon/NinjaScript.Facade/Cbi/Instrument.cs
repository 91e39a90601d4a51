using System.Collections.ObjectModel;
using System.Linq;
using System.Windows.Threading;
using NinjaTrader.Data;

namespace NinjaTrader.Cbi
{
    /// <summary>An instrument. https://ninjatrader.com/support/helpGuides/nt8/instrument.htm</summary>
    public class Instrument
    {
        private static readonly Collection<Instrument> AllInstruments = new Collection<Instrument>();

        public Instrument()
        {
            MarketData = new MarketData { Instrument = this };
        }

        /// <summary>Every known instrument (reflection of NinjaTrader.Core: static Instrument.All).</summary>
        public static Collection<Instrument> All { get { return AllInstruments; } }

        /// <summary>The instrument's dispatcher: subscribe to and unsubscribe from its market data on it (MarketData example). https://ninjatrader.com/support/helpGuides/nt8/marketdata.htm</summary>
        public Dispatcher Dispatcher { get; set; }

        /// <summary>e.g. <c>NQ 12-26</c>. https://ninjatrader.com/support/helpGuides/nt8/fullname.htm</summary>
        public string FullName { get; set; }

        /// <summary>Snapshot market data and its Update event. https://ninjatrader.com/support/helpGuides/nt8/marketdata.htm</summary>
        public MarketData MarketData { get; private set; }

        /// <summary>Finds an instrument by name; null when unknown. https://ninjatrader.com/support/helpGuides/nt8/getinstrument.htm</summary>
        public static Instrument GetInstrument(string instrumentName, bool create = false)
        {
            lock (AllInstruments) return AllInstruments.FirstOrDefault(i => i.FullName == instrumentName);
        }
    }
}
