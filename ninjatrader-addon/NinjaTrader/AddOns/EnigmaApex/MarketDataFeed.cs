// Compiled by NinjaTrader 8.1+ (C# 7.3); checked in CI against ninjatrader-addon/NinjaScript.Facade.
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
    /// Market data without a chart: Instrument.GetInstrument + a subscription to the instrument's
    /// MarketData.Update, made and removed on the instrument's dispatcher as NinjaTrader's reference
    /// does it; Last events become ticks (aggressor from the last bid/ask) and feed time bars
    /// (BarBuilder; a one-second timer closes bars in a quiet market), Bid/Ask events become quotes.
    /// The snapshot Last delivered on subscribing and reset events are not trades (LastPriceFilter).
    /// Runs on NinjaTrader's data threads: no blocking, exceptions logged, never thrown back. When
    /// the outbound buffer is full the tick is not taken (protocol §3.3) and counted.
    /// </summary>
    public sealed class MarketDataFeed : IDisposable
    {
        private sealed class Feed
        {
            public Instrument Instrument;
            public LastPriceFilter Trades;
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
        private int _errors;

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
                var feed = new Feed
                {
                    Instrument = instrument, Ticks = streams.Contains("tick"), Quotes = streams.Contains("quote"),
                    Trades = new LastPriceFilter(Clock.NowMicros()),
                };
                if (streams.Contains("bar")) feed.Bars = new BarBuilder(instrument.FullName, barPeriodSeconds);
                feed.Handler = (sender, e) => OnMarketData(feed, e);
                OnInstrumentThread(instrument, () => instrument.MarketData.Update += feed.Handler);
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
                _feeds.Remove(symbol);
                OnInstrumentThread(feed.Instrument, () => feed.Instrument.MarketData.Update -= feed.Handler);
            }
        }

        /// <summary>Runs a subscription change on the instrument's dispatcher (never inline on the caller's thread).</summary>
        private void OnInstrumentThread(Instrument instrument, Action change)
        {
            var dispatcher = instrument.Dispatcher;
            if (dispatcher == null || dispatcher.HasShutdownStarted) return;
            dispatcher.InvokeAsync(() =>
            {
                try { change(); }
                catch (Exception e) { _log("market data subscription of " + instrument.FullName + " failed: " + e.Message); }
            });
        }

        public void Dispose()
        {
            _barTimer.Dispose();
            lock (_feeds)
            {
                foreach (var feed in _feeds.Values)
                {
                    var f = feed;
                    OnInstrumentThread(f.Instrument, () => f.Instrument.MarketData.Update -= f.Handler);
                }
                _feeds.Clear();
            }
        }

        private void FlushBars()
        {
            try { FlushBarsUnguarded(); }
            catch (Exception e) { _log("bar timer failed: " + e.Message); }
        }

        private void FlushBarsUnguarded()
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
            try
            {
                lock (feed) OnMarketDataLocked(feed, e);
            }
            catch (Exception x)
            {
                if (System.Threading.Interlocked.Increment(ref _errors) <= 10) _log("market data of " + feed.Instrument.FullName + " failed: " + x.Message);
            }
        }

        private void OnMarketDataLocked(Feed feed, MarketDataEventArgs e)
        {
            long eventTs = NtTime.ToMicros(e.Time);
            if (e.IsReset)
            {
                // A reset (e.g. Playback rewind) carries no trade and invalidates the last bid/ask.
                feed.Bid = double.NaN;
                feed.Ask = double.NaN;
                return;
            }
            long ts = eventTs < feed.LastTs ? feed.LastTs : eventTs; // the engine refuses time going backwards per symbol
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
                    if (!feed.Trades.IsTrade(false, eventTs)) break; // the snapshot of the last trade before subscribing
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
