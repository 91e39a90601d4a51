// Compiled by NinjaTrader 8 only (needs its assemblies); excluded from the dotnet build. C# 7.3.
#region Using declarations
using System;
using System.Collections.Generic;
using EnigmaApex.Client;
using EnigmaApex.Client.Bridge;
using EnigmaApex.Client.Protocol;
using EnigmaApex.Client.Transport;
using NinjaTrader.Cbi;
using NinjaTrader.Data;
#endregion

namespace NinjaTrader.NinjaScript.AddOns.EnigmaApexBridge
{
    /// <summary>
    /// Market data without a chart: Instrument.GetInstrument + a MarketData subscription per
    /// instrument; Last events become ticks (aggressor from the last bid/ask) and feed time bars
    /// (BarBuilder; a one-second timer closes bars in a quiet market), Bid/Ask events become quotes. Runs on NinjaTrader's data threads: no blocking, no allocation beyond the
    /// message. When the outbound buffer is full the tick is not taken (protocol §3.3: stop
    /// reading rather than lose silently) and counted.
    /// </summary>
    public sealed class MarketDataFeed : IDisposable
    {
        private sealed class Feed
        {
            public Instrument Instrument;
            public MarketData Data;
            public bool Ticks;
            public bool Quotes;
            public BarBuilder Bars;
            public double Bid = double.NaN;
            public double Ask = double.NaN;
            public long BidSize;
            public long AskSize;
            public long LastTs;
            public EventHandler<MarketDataEventArgs> Handler;
        }

        private readonly EnigmaClient _client;
        private readonly Action<string> _log;
        private readonly Dictionary<string, Feed> _feeds = new Dictionary<string, Feed>(StringComparer.Ordinal);
        private readonly System.Threading.Timer _barTimer;
        private long _refused;

        public MarketDataFeed(EnigmaClient client, Action<string> log)
        {
            _client = client;
            _log = log;
            _barTimer = new System.Threading.Timer(_ => FlushBars(), null, 1000, 1000);
        }

        /// <summary>Ticks and quotes not taken because the outbound buffer was full.</summary>
        public long Refused { get { return System.Threading.Interlocked.Read(ref _refused); } }

        /// <summary>Starts streaming <paramref name="symbol"/> (idempotent; streams are tick, quote and/or bar).</summary>
        public void Subscribe(string symbol, IList<string> streams, int barPeriodSeconds)
        {
            lock (_feeds)
            {
                if (_feeds.ContainsKey(symbol)) return;
                var instrument = Instrument.GetInstrument(symbol);
                if (instrument == null) { _log("unknown instrument " + symbol); return; }
                var feed = new Feed { Instrument = instrument, Ticks = streams.Contains("tick"), Quotes = streams.Contains("quote") };
                if (streams.Contains("bar")) feed.Bars = new BarBuilder(instrument.FullName, barPeriodSeconds);
                feed.Handler = (sender, e) => OnMarketData(feed, e);
                feed.Data = new MarketData(instrument);
                feed.Data.Update += feed.Handler;
                _feeds[symbol] = feed;
                _log("streaming " + symbol + " (" + string.Join(", ", streams) + ")");
            }
        }

        /// <summary>Stops streaming <paramref name="symbol"/> (idempotent).</summary>
        public void Unsubscribe(string symbol)
        {
            lock (_feeds)
            {
                Feed feed;
                if (!_feeds.TryGetValue(symbol, out feed)) return;
                feed.Data.Update -= feed.Handler;
                _feeds.Remove(symbol);
            }
        }

        public void Dispose()
        {
            _barTimer.Dispose();
            lock (_feeds)
            {
                foreach (var feed in _feeds.Values) feed.Data.Update -= feed.Handler;
                _feeds.Clear();
            }
        }

        private void FlushBars()
        {
            long now = Clock.NowMicros();
            List<Feed> feeds;
            lock (_feeds) feeds = new List<Feed>(_feeds.Values);
            foreach (var feed in feeds)
            {
                if (feed.Bars == null) continue;
                lock (feed)
                {
                    var bar = feed.Bars.Flush(now);
                    if (bar != null) Offer(feed, bar.Ts, bar);
                }
            }
        }

        private void OnMarketData(Feed feed, MarketDataEventArgs e)
        {
            lock (feed) OnMarketDataLocked(feed, e);
        }

        private void OnMarketDataLocked(Feed feed, MarketDataEventArgs e)
        {
            long ts = NtTime.ToMicros(e.Time);
            if (ts < feed.LastTs) ts = feed.LastTs; // the engine refuses time going backwards per symbol
            switch (e.MarketDataType)
            {
                case MarketDataType.Bid:
                    feed.Bid = e.Price;
                    feed.BidSize = e.Volume;
                    if (feed.Quotes) Quote(feed, ts);
                    break;
                case MarketDataType.Ask:
                    feed.Ask = e.Price;
                    feed.AskSize = e.Volume;
                    if (feed.Quotes) Quote(feed, ts);
                    break;
                case MarketDataType.Last:
                    double bid = double.IsNaN(feed.Bid) ? e.Price : feed.Bid;
                    double ask = double.IsNaN(feed.Ask) ? e.Price : feed.Ask;
                    string side = e.Price >= ask ? Sides.Buy : e.Price <= bid ? Sides.Sell : Sides.Unknown;
                    if (feed.Bars != null)
                    {
                        var bar = feed.Bars.OnTick(ts, e.Price, e.Volume, side);
                        if (bar != null) Offer(feed, bar.Ts, bar);
                    }
                    if (!feed.Ticks) break;
                    Offer(feed, ts, new TickMessage
                    {
                        Ts = ts, Symbol = feed.Instrument.FullName, Price = e.Price, Size = e.Volume, Bid = bid, Ask = ask, Side = side,
                    });
                    break;
            }
        }

        private void Quote(Feed feed, long ts)
        {
            if (double.IsNaN(feed.Bid) || double.IsNaN(feed.Ask)) return;
            Offer(feed, ts, new QuoteMessage { Ts = ts, Symbol = feed.Instrument.FullName, Bid = feed.Bid, Ask = feed.Ask, BidSize = feed.BidSize, AskSize = feed.AskSize });
        }

        private void Offer(Feed feed, long ts, IClientMessage message)
        {
            long seq;
            if (_client.TrySend(message, out seq)) { if (!(message is BarMessage)) feed.LastTs = ts; }
            else System.Threading.Interlocked.Increment(ref _refused);
        }
    }
}
