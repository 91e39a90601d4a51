using System;
using System.Collections.Generic;
using System.Linq;
using EnigmaApex.Client;
using EnigmaApex.Client.Transport;
using NinjaScriptFacade.Testing;
using NinjaTrader.Cbi;
using NinjaTrader.Data;
using NinjaTrader.NinjaScript.AddOns.EnigmaApexBridge;
using Xunit;

namespace NinjaTrader.Layer.Tests
{
    public class MarketDataTests
    {
        private static MarketDataEventArgs Last(double price, DateTime time, bool reset = false)
        {
            return new MarketDataEventArgs { MarketDataType = MarketDataType.Last, Price = price, Volume = 1, Time = time, IsReset = reset };
        }

        [Fact]
        public void SubscriptionsAreMadeAndRemovedOnTheInstrumentsDispatcher()
        {
            Nt.Reset();
            var nq = Nt.AddInstrument("NQ 12-26");
            var feed = new MarketDataFeed(Nt.Client(), _ => { });
            feed.Subscribe("NQ 12-26", new[] { "tick" }, 60);
            Assert.Empty(Nt.Calls()); // nothing inline on the caller's thread
            nq.Dispatcher.RunPending();
            feed.Unsubscribe("NQ 12-26");
            nq.Dispatcher.RunPending();
            Assert.Equal(new[] { "MarketData.Update += NQ 12-26 on its dispatcher", "MarketData.Update -= NQ 12-26 on its dispatcher" }, Nt.Calls());
            feed.Dispose();
        }

        [Fact]
        public void TheSnapshotLastAndResetEventsAreNotSentAsTicks()
        {
            Nt.Reset();
            var nq = Nt.AddInstrument("NQ 12-26");
            var client = Nt.Client();
            var feed = new MarketDataFeed(client, _ => { });
            feed.Subscribe("NQ 12-26", new[] { "tick" }, 60);
            nq.Dispatcher.RunPending();
            var now = DateTime.UtcNow;
            Feed.Raise(nq.MarketData, Last(21000, now.AddHours(-3)));        // the snapshot delivered on subscribing
            Feed.Raise(nq.MarketData, Last(21001, now.AddSeconds(1), true)); // a reset
            Feed.Raise(nq.MarketData, Last(21002.25, now.AddSeconds(1)));    // a live trade
            var ticks = Nt.Sent(client, "tick");
            Assert.Single(ticks);
            Assert.Equal(21002.25, ticks[0].GetDouble("price"));
            Assert.True(ticks[0].GetLong("ts") >= Clock.ToMicros(now, TimeZoneInfo.Utc));
            feed.Dispose();
        }
    }
}
