using System;
using System.Collections.Generic;
using System.Linq;
using EnigmaApex.Client.Bridge;
using EnigmaApex.Client.Json;
using EnigmaApex.Client.Protocol;
using Xunit;

namespace EnigmaApex.Client.Tests
{
    /// <summary>The NinjaTrader layer's decisions, held by the client core (issue 11, item 9).</summary>
    public class BracketTrackerTests
    {
        private static OrderSpec Entry(string id, string side, long qty, double? sl, double? tp)
        {
            var json = "{\"type\":\"order\",\"seq\":1,\"ts\":1,\"client_order_id\":\"" + id + "\",\"account\":\"APEX-1\",\"symbol\":\"NQ 12-26\",\"side\":\"" + side + "\",\"quantity\":" + qty
                + ",\"order_type\":\"limit\",\"limit_price\":21000,\"time_in_force\":\"day\""
                + (sl.HasValue || tp.HasValue ? ",\"bracket\":{" + string.Join(",", new[] { sl.HasValue ? "\"stop_loss\":" + sl.Value : null, tp.HasValue ? "\"take_profit\":" + tp.Value : null }.Where(x => x != null)) + "}" : "")
                + ",\"reason\":\"r\"}";
            return ((OrderCommand)ProtocolCodec.DecodeFrame(json)[0]).Order;
        }

        [Fact]
        public void NoExitIsSubmittedWhileTheEntryRestsUnfilled()
        {
            var t = new BracketTracker();
            Assert.True(t.Register(Entry("ea-1", "buy", 2, 20990, 21030)));
            Assert.Empty(t.OnEntryUpdate("ea-1", OrderStatuses.Submitted, 0));
            Assert.Empty(t.OnEntryUpdate("ea-1", OrderStatuses.Accepted, 0));
            Assert.Empty(t.OnEntryUpdate("ea-1", OrderStatuses.Working, 0));
        }

        [Fact]
        public void TheFirstFillSubmitsBothExitsAsOneOcoPairSizedToTheFilledQuantity()
        {
            var t = new BracketTracker();
            t.Register(Entry("ea-1", "buy", 3, 20990, 21030));
            var a = t.OnEntryUpdate("ea-1", OrderStatuses.PartiallyFilled, 1).Single();
            Assert.Equal(BracketActionKind.SubmitExits, a.Kind);
            Assert.Equal(1, a.Quantity);
            Assert.Equal(Sides.Sell, a.ExitSide);
            Assert.Equal("ea-1-sl", a.StopLossId);
            Assert.Equal("ea-1-tp", a.TakeProfitId);
            Assert.Equal("ea-oco-ea-1", a.OcoId);
            Assert.Equal(20990, a.StopLoss);
            Assert.Equal(21030, a.TakeProfit);
            Assert.Equal("APEX-1", a.Account);
        }

        [Fact]
        public void FurtherFillsResizeTheExitsAndARepeatedUpdateChangesNothing()
        {
            var t = new BracketTracker();
            t.Register(Entry("ea-1", "sell", 3, 21030, 20990));
            t.OnEntryUpdate("ea-1", OrderStatuses.PartiallyFilled, 1);
            Assert.Empty(t.OnEntryUpdate("ea-1", OrderStatuses.PartiallyFilled, 1));
            var resize = t.OnEntryUpdate("ea-1", OrderStatuses.PartiallyFilled, 2).Single();
            Assert.Equal(BracketActionKind.ResizeExits, resize.Kind);
            Assert.Equal(2, resize.Quantity);
            Assert.Equal(Sides.Buy, resize.ExitSide);
            var last = t.OnEntryUpdate("ea-1", OrderStatuses.Filled, 3).Single();
            Assert.Equal(BracketActionKind.ResizeExits, last.Kind);
            Assert.Equal(3, last.Quantity);
            Assert.False(t.IsTracked("ea-1"));
            Assert.Empty(t.OnEntryUpdate("ea-1", OrderStatuses.Filled, 3));
        }

        [Fact]
        public void AnEntryFilledAtOnceSubmitsItsExitsOnce()
        {
            var t = new BracketTracker();
            t.Register(Entry("ea-1", "buy", 2, 20990, null));
            var a = t.OnEntryUpdate("ea-1", OrderStatuses.Filled, 2).Single();
            Assert.Equal(BracketActionKind.SubmitExits, a.Kind);
            Assert.Equal(2, a.Quantity);
            Assert.Null(a.TakeProfit);
            Assert.Equal(0, t.Count);
        }

        [Theory]
        [InlineData(OrderStatuses.Rejected)]
        [InlineData(OrderStatuses.Cancelled)]
        [InlineData(OrderStatuses.Expired)]
        public void ARejectedCancelledOrExpiredEntryNeverGetsExits(string status)
        {
            var t = new BracketTracker();
            t.Register(Entry("ea-1", "buy", 2, 20990, 21030));
            Assert.Empty(t.OnEntryUpdate("ea-1", status, 0));
            Assert.False(t.IsTracked("ea-1"));
            Assert.Empty(t.OnEntryUpdate("ea-1", OrderStatuses.Filled, 2)); // a late, contradictory update submits nothing either
        }

        [Fact]
        public void AnEntryCancelledAfterAPartialFillKeepsExitsForWhatFilledOnly()
        {
            var t = new BracketTracker();
            t.Register(Entry("ea-1", "buy", 5, 20990, 21030));
            Assert.Equal(2, t.OnEntryUpdate("ea-1", OrderStatuses.PartiallyFilled, 2).Single().Quantity);
            Assert.Empty(t.OnEntryUpdate("ea-1", OrderStatuses.Cancelled, 2));
            Assert.False(t.IsTracked("ea-1"));
        }

        [Fact]
        public void AnOrderWithoutBracketIsNotTracked()
        {
            var t = new BracketTracker();
            Assert.False(t.Register(Entry("ea-1", "buy", 1, null, null)));
            Assert.Empty(t.OnEntryUpdate("ea-1", OrderStatuses.Filled, 1));
            Assert.Empty(t.OnEntryUpdate("unknown", OrderStatuses.Filled, 1));
        }
    }

    public class LatestPerKeyThrottleTests
    {
        [Fact]
        public void LetsTheFirstValuePerKeyThroughAndHoldsTheRestUntilTheIntervalPasses()
        {
            var t = new LatestPerKeyThrottle<string>(TimeSpan.FromMilliseconds(250));
            Assert.Equal("a1", t.Offer("A", "a1", 1000));
            Assert.Equal("b1", t.Offer("B", "b1", 1000));
            Assert.Null(t.Offer("A", "a2", 1010));
            Assert.Null(t.Offer("A", "a3", 1100)); // latest wins
            Assert.Empty(t.TakeDue(1200));
            Assert.Equal(new[] { "a3" }, t.TakeDue(1250));
            Assert.Empty(t.TakeDue(2000)); // released once
        }

        [Fact]
        public void NeverLosesTheLastValueOfABurst()
        {
            var t = new LatestPerKeyThrottle<string>(TimeSpan.FromMilliseconds(250));
            var sent = new List<string>();
            for (int i = 0; i < 100; i++)
            {
                var now = 1000 + i; // 100 ticks in 100 ms
                var v = t.Offer("APEX-1", "v" + i, now);
                if (v != null) sent.Add(v);
                sent.AddRange(t.TakeDue(now));
            }
            sent.AddRange(t.TakeDue(1400));
            Assert.Equal(new[] { "v0", "v99" }, sent);
        }

        [Fact]
        public void AValueOfferedAfterTheIntervalGoesAtOnce()
        {
            var t = new LatestPerKeyThrottle<string>(TimeSpan.FromMilliseconds(250));
            t.Offer("A", "a1", 0);
            Assert.Equal("a2", t.Offer("A", "a2", 250));
        }
    }

    public class PlotReadPolicyTests
    {
        [Fact]
        public void OnlyAnInfiniteSeriesIsAskedIsValidDataPointAt()
        {
            Assert.Equal(PlotRead.CheckValidity, PlotReadPolicy.Decide(true, 5000, 300));
            Assert.Equal(PlotRead.ReadUnchecked, PlotReadPolicy.Decide(false, 5000, 0));
            Assert.Equal(PlotRead.ReadUnchecked, PlotReadPolicy.Decide(false, 5000, 255));
        }

        [Fact]
        public void NothingIsReadBeforeTheFirstBarOrBeyondWhatA256SeriesKeeps()
        {
            Assert.Equal(PlotRead.OutOfRange, PlotReadPolicy.Decide(false, 5000, 256));
            Assert.Equal(PlotRead.OutOfRange, PlotReadPolicy.Decide(true, 2, 3));
            Assert.Equal(PlotRead.OutOfRange, PlotReadPolicy.Decide(false, 0, -1));
        }
    }

    public class LastPriceFilterTests
    {
        [Fact]
        public void TheSnapshotDeliveredOnSubscribeIsNotATrade()
        {
            var f = new LastPriceFilter(1000000);
            Assert.False(f.IsTrade(false, 400000)); // the last trade before subscribing, replayed as a snapshot
            Assert.True(f.IsTrade(false, 1000500));
            Assert.True(f.IsTrade(false, 999000));   // once live, an out-of-order stamp is still a trade (the feed clamps time)
        }

        [Fact]
        public void AResetEventIsNeverATrade()
        {
            var f = new LastPriceFilter(0);
            Assert.False(f.IsTrade(true, 5));
            Assert.True(f.IsTrade(false, 6));
            Assert.False(f.IsTrade(true, 7));
        }
    }

    public class NinjaTraderStatesTests
    {
        [Theory]
        [InlineData("AcceptedByRisk", OrderStatuses.Accepted)]
        [InlineData("Suspended", OrderStatuses.Working)]
        [InlineData("TriggerPending", OrderStatuses.Working)]
        [InlineData("Initialized", OrderStatuses.Pending)]
        [InlineData("PartFilled", OrderStatuses.PartiallyFilled)]
        [InlineData("CancelSubmitted", OrderStatuses.CancelPending)]
        [InlineData("Rejected", OrderStatuses.Rejected)]
        public void MapsEveryNinjaTraderOrderState(string state, string status)
        {
            Assert.Equal(status, NinjaTraderStates.ToStatus(state));
        }

        [Fact]
        public void SuspendedAndAcceptedByRiskOrdersAreLiveSoFlattenAndSnapshotsSeeThem()
        {
            Assert.True(NinjaTraderStates.IsLive("Suspended"));
            Assert.True(NinjaTraderStates.IsLive("AcceptedByRisk"));
            Assert.True(NinjaTraderStates.IsLive("Initialized"));
            Assert.False(NinjaTraderStates.IsLive("Filled"));
            Assert.False(NinjaTraderStates.IsLive("Cancelled"));
        }

        [Fact]
        public void IocIsKeptAndFokIsRefusedRatherThanSentAsDay()
        {
            Assert.Equal("Ioc", NinjaTraderStates.ToTimeInForce("ioc"));
            Assert.Equal("Gtc", NinjaTraderStates.ToTimeInForce("gtc"));
            Assert.Equal("Day", NinjaTraderStates.ToTimeInForce("day"));
            Assert.Null(NinjaTraderStates.ToTimeInForce("fok"));
            Assert.Equal("ioc", NinjaTraderStates.FromTimeInForce("Ioc"));
            Assert.Equal("gtc", NinjaTraderStates.FromTimeInForce("Gtc"));
        }
    }

    public class KillAndProposalTests
    {
        private static EnigmaClient Client()
        {
            return new EnigmaClient(new EnigmaClientOptions { Endpoint = new Uri("ws://127.0.0.1:1/v1/stream") });
        }

        [Fact]
        public void EncodesKillExactlyAsTheContractShowsIt()
        {
            var json = ProtocolCodec.Encode(new KillMessage { Ts = 1764115300000000, Reason = "kill button in NinjaTrader", Account = "APEX-12345" }, 12, 0);
            Assert.Equal("{\"type\":\"kill\",\"seq\":12,\"ts\":1764115300000000,\"reason\":\"kill button in NinjaTrader\",\"account\":\"APEX-12345\"}", json);
        }

        [Fact]
        public void AKillForEveryDeclaredAccountOmitsTheAccountField()
        {
            var v = JsonReader.Parse(ProtocolCodec.Encode(new KillMessage { Reason = "r" }, 1, 7));
            Assert.False(v.Has("account"));
            Assert.Equal(7, v.GetLong("ts"));
            Assert.Throws<ArgumentException>(() => ProtocolCodec.Encode(new KillMessage(), 1, 7));
        }

        [Fact]
        public void SendKillQueuesOneSequencedKillMessage()
        {
            var client = Client();
            long seq = client.SendKill(null, "kill switch pressed in the Enigma-Apex window");
            Assert.Equal(1, seq);
            var v = JsonReader.Parse(client.Buffer.Snapshot().Single().Json);
            Assert.Equal("kill", v.GetString("type"));
            Assert.Equal("kill switch pressed in the Enigma-Apex window", v.GetString("reason"));
        }

        private sealed class NullBroker : IBrokerAdapter
        {
            public void SubmitOrder(OrderSpec order) { }
            public void CancelOrder(CancelCommand command) { }
            public void ReplaceOrder(ReplaceCommand command) { }
            public void Flatten(FlattenCommand command) { }
            public void ShowProposal(ProposalMessage proposal) { }
            public void ChangeSubscription(SubscriptionMessage subscription) { }
            public SnapshotMessage TakeSnapshot() { return new SnapshotMessage(); }
        }

        [Fact]
        public void ExpiredProposalsLeaveTheListWithoutSendingAnythingAndTheCountdownReachesZero()
        {
            var client = Client();
            var d = new CommandDispatcher(client, new NullBroker());
            foreach (var p in new[] { "a:1000000", "b:31000000" })
            {
                var parts = p.Split(':');
                d.Dispatch(ProtocolCodec.DecodeFrame("{\"type\":\"proposal\",\"seq\":6,\"ts\":1,\"proposal_id\":\"" + parts[0] + "\",\"expires_ts\":" + parts[1] + ",\"order\":{\"client_order_id\":\"o-" + parts[0] + "\",\"account\":\"Sim101\",\"symbol\":\"NQ 12-26\",\"side\":\"sell\",\"quantity\":2,\"order_type\":\"market\",\"time_in_force\":\"day\"},\"reason\":\"r\"}")[0]);
            }
            var b = d.PendingProposals.Single(x => x.ProposalId == "b");
            Assert.Equal(30, CommandDispatcher.SecondsLeft(b, 1000000));
            Assert.Equal(1, CommandDispatcher.SecondsLeft(b, 30500000));
            Assert.Equal(0, CommandDispatcher.SecondsLeft(b, 31000000));
            Assert.Equal(new[] { "a" }, d.DropExpired(1000001).Select(x => x.ProposalId));
            Assert.Equal(new[] { "b" }, d.PendingProposals.Select(x => x.ProposalId));
            Assert.Equal(0, client.Buffer.Count);
        }
    }
}
