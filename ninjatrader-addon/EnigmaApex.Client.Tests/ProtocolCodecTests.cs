using System;
using System.Collections.Generic;
using EnigmaApex.Client.Json;
using EnigmaApex.Client.Protocol;
using Xunit;

namespace EnigmaApex.Client.Tests
{
    /// <summary>Encodes and decodes the examples of docs/protocol.md §4.</summary>
    public class ProtocolCodecTests
    {
        private const long Now = 1764115299000000;

        [Fact]
        public void EncodesHelloAsTheProtocolShowsIt()
        {
            var json = ProtocolCodec.EncodeHello(1764115200000000, "EnigmaApexAddOn", "1.0.0", new[] { "Sim101" }, "3f0c2a8e-5b1d-4c55-9a57-0d6f1e9b7a10", 41);
            JsonAssert.Equivalent("{\"type\":\"hello\",\"seq\":0,\"ts\":1764115200000000,\"protocol\":1,\"client\":{\"name\":\"EnigmaApexAddOn\",\"version\":\"1.0.0\"},\"accounts\":[\"Sim101\"],\"session_id\":\"3f0c2a8e-5b1d-4c55-9a57-0d6f1e9b7a10\",\"last_seq\":41}", json);
        }

        [Fact]
        public void HelloForANewSessionOmitsTheSessionId()
        {
            var v = JsonReader.Parse(ProtocolCodec.EncodeHello(1, "n", "v", new string[0], null, 0));
            Assert.False(v.Has("session_id"));
            Assert.Equal(0, v.GetLong("last_seq"));
            Assert.Equal(0, v.Get("accounts").Count);
        }

        [Fact]
        public void EncodesAckAndPing()
        {
            JsonAssert.Equivalent("{\"type\":\"ack\",\"seq\":0,\"ts\":1764115200001000,\"last_seq\":1200}", ProtocolCodec.EncodeAck(1764115200001000, 1200));
            JsonAssert.Equivalent("{\"type\":\"ping\",\"seq\":0,\"ts\":1764115200002000,\"id\":\"p-17\"}", ProtocolCodec.EncodePing(1764115200002000, "p-17"));
        }

        [Fact]
        public void EncodesTick()
        {
            var m = new TickMessage { Ts = 1764115200123456, Symbol = "NQ 12-26", Price = 21012.25, Size = 2, Bid = 21012.0, Ask = 21012.25, Side = Sides.Buy };
            var json = ProtocolCodec.Encode(m, 1, Now);
            JsonAssert.Equivalent("{\"type\":\"tick\",\"seq\":1,\"ts\":1764115200123456,\"symbol\":\"NQ 12-26\",\"price\":21012.25,\"size\":2,\"bid\":21012.0,\"ask\":21012.25,\"side\":\"buy\"}", json);
            Assert.StartsWith("{\"type\":\"tick\",\"seq\":1,\"ts\":1764115200123456,", json);
        }

        [Fact]
        public void EncodesQuoteAndBar()
        {
            JsonAssert.Equivalent("{\"type\":\"quote\",\"seq\":2,\"ts\":1764115200123500,\"symbol\":\"NQ 12-26\",\"bid\":21012.0,\"ask\":21012.25,\"bid_size\":7,\"ask_size\":3}",
                ProtocolCodec.Encode(new QuoteMessage { Ts = 1764115200123500, Symbol = "NQ 12-26", Bid = 21012.0, Ask = 21012.25, BidSize = 7, AskSize = 3 }, 2, Now));
            JsonAssert.Equivalent("{\"type\":\"bar\",\"seq\":3,\"ts\":1764115140000000,\"symbol\":\"NQ 12-26\",\"end\":1764115200000000,\"open\":21000.0,\"high\":21014.5,\"low\":20998.25,\"close\":21012.25,\"volume\":1840,\"buy_volume\":1010,\"sell_volume\":830,\"trades\":912}",
                ProtocolCodec.Encode(new BarMessage { Ts = 1764115140000000, Symbol = "NQ 12-26", End = 1764115200000000, Open = 21000, High = 21014.5, Low = 20998.25, Close = 21012.25, Volume = 1840, BuyVolume = 1010, SellVolume = 830, Trades = 912 }, 3, Now));
        }

        [Fact]
        public void EncodesSignalWithOptionalFields()
        {
            var m = new SignalMessage
            {
                Ts = 1764115200200000, Source = "enigma", Symbol = "NQ 12-26", Direction = "long", Strength = "strong",
                Power = 7.5, Confluence = 3, Price = 21012.25, Stop = 20995.0, Targets = new List<double> { 21030.0, 21050.0 },
            };
            JsonAssert.Equivalent("{\"type\":\"signal\",\"seq\":4,\"ts\":1764115200200000,\"source\":\"enigma\",\"symbol\":\"NQ 12-26\",\"direction\":\"long\",\"strength\":\"strong\",\"power\":7.5,\"confluence\":3,\"price\":21012.25,\"stop\":20995.0,\"targets\":[21030.0,21050.0]}",
                ProtocolCodec.Encode(m, 4, Now));

            var bare = new SignalMessage { Ts = 5, Symbol = "ES 12-26", Direction = "short", Strength = "normal", Power = 1, Confluence = 1, Price = 6000.25, Metadata = new Dictionary<string, object> { { "plot", "Signal" }, { "bar", 12 }, { "ok", true }, { "z", 0.5 } } };
            var v = JsonReader.Parse(ProtocolCodec.Encode(bare, 9, Now));
            Assert.False(v.Has("source"));
            Assert.False(v.Has("stop"));
            Assert.False(v.Has("targets"));
            JsonAssert.Equivalent("{\"plot\":\"Signal\",\"bar\":12,\"ok\":true,\"z\":0.5}", v.Get("metadata").ToString());
        }

        [Fact]
        public void EncodesAccountPositionOrderUpdateExecution()
        {
            JsonAssert.Equivalent("{\"type\":\"account\",\"seq\":5,\"ts\":1764115200300000,\"account\":\"Sim101\",\"currency\":\"USD\",\"balance\":50250.0,\"equity\":50310.0,\"realized_pnl_today\":250.0,\"unrealized_pnl\":60.0}",
                ProtocolCodec.Encode(new AccountMessage { Ts = 1764115200300000, Account = "Sim101", Currency = "USD", Balance = 50250, Equity = 50310, RealizedPnlToday = 250, UnrealizedPnl = 60 }, 5, Now));
            JsonAssert.Equivalent("{\"type\":\"position\",\"seq\":6,\"ts\":1764115200300100,\"account\":\"Sim101\",\"symbol\":\"NQ 12-26\",\"quantity\":1,\"average_price\":21012.25,\"unrealized_pnl\":60.0,\"realized_pnl\":0.0}",
                ProtocolCodec.Encode(new PositionMessage { Ts = 1764115200300100, Account = "Sim101", Symbol = "NQ 12-26", Quantity = 1, AveragePrice = 21012.25, UnrealizedPnl = 60 }, 6, Now));
            JsonAssert.Equivalent("{\"type\":\"order_update\",\"seq\":7,\"ts\":1764115200250000,\"client_order_id\":\"ea-9f1c-000001\",\"broker_order_id\":\"a1b2c3\",\"account\":\"Sim101\",\"symbol\":\"NQ 12-26\",\"side\":\"buy\",\"quantity\":1,\"filled_quantity\":1,\"average_fill_price\":21012.25,\"order_type\":\"market\",\"time_in_force\":\"day\",\"status\":\"filled\"}",
                ProtocolCodec.Encode(new OrderUpdateMessage { Ts = 1764115200250000, ClientOrderId = "ea-9f1c-000001", BrokerOrderId = "a1b2c3", Account = "Sim101", Symbol = "NQ 12-26", Side = "buy", Quantity = 1, FilledQuantity = 1, AverageFillPrice = 21012.25, OrderType = "market", TimeInForce = "day", Status = OrderStatuses.Filled }, 7, Now));
            JsonAssert.Equivalent("{\"type\":\"execution\",\"seq\":8,\"ts\":1764115200249000,\"fill_id\":\"ex-77812\",\"client_order_id\":\"ea-9f1c-000001\",\"account\":\"Sim101\",\"symbol\":\"NQ 12-26\",\"side\":\"buy\",\"quantity\":1,\"price\":21012.25,\"commission\":2.09}",
                ProtocolCodec.Encode(new ExecutionMessage { Ts = 1764115200249000, FillId = "ex-77812", ClientOrderId = "ea-9f1c-000001", Account = "Sim101", Symbol = "NQ 12-26", Side = "buy", Quantity = 1, Price = 21012.25, Commission = 2.09 }, 8, Now));
        }

        [Fact]
        public void EncodesSnapshotAndProposalDecision()
        {
            var s = new SnapshotMessage { Ts = 1764115200400000, RequestId = "snap-3" };
            s.Accounts.Add(new AccountMessage { Ts = 1764115200400000, Account = "Sim101", Currency = "USD", Balance = 50250, Equity = 50310, RealizedPnlToday = 250, UnrealizedPnl = 60 });
            s.Positions.Add(new PositionMessage { Account = "Sim101", Symbol = "NQ 12-26", Quantity = 1, AveragePrice = 21012.25, UnrealizedPnl = 60 });
            JsonAssert.Equivalent("{\"type\":\"snapshot\",\"seq\":9,\"ts\":1764115200400000,\"request_id\":\"snap-3\",\"accounts\":[{\"ts\":1764115200400000,\"account\":\"Sim101\",\"currency\":\"USD\",\"balance\":50250.0,\"equity\":50310.0,\"realized_pnl_today\":250.0,\"unrealized_pnl\":60.0}],\"positions\":[{\"ts\":1764115200400000,\"account\":\"Sim101\",\"symbol\":\"NQ 12-26\",\"quantity\":1,\"average_price\":21012.25,\"unrealized_pnl\":60.0,\"realized_pnl\":0.0}],\"orders\":[]}",
                ProtocolCodec.Encode(s, 9, Now));
            JsonAssert.Equivalent("{\"type\":\"proposal_decision\",\"seq\":10,\"ts\":1764115201000000,\"proposal_id\":\"pr-12\",\"decision\":\"accepted\"}",
                ProtocolCodec.Encode(new ProposalDecisionMessage { Ts = 1764115201000000, ProposalId = "pr-12", Decision = "accepted" }, 10, Now));
        }

        [Fact]
        public void ZeroTsMeansNow()
        {
            var v = JsonReader.Parse(ProtocolCodec.Encode(new TickMessage { Symbol = "ES 12-26", Price = 1, Bid = 1, Ask = 1 }, 1, Now));
            Assert.Equal(Now, v.GetLong("ts"));
            Assert.Equal("unknown", v.GetString("side"));
        }

        [Fact]
        public void RefusesToEncodeNaNMissingFieldsOrSeqZero()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => ProtocolCodec.Encode(new TickMessage { Symbol = "ES 12-26", Price = double.NaN }, 1, Now));
            Assert.Throws<ArgumentNullException>(() => ProtocolCodec.Encode(new TickMessage { Price = 1 }, 1, Now));
            Assert.Throws<ArgumentOutOfRangeException>(() => ProtocolCodec.Encode(new TickMessage { Symbol = "ES 12-26" }, 0, Now));
        }

        [Fact]
        public void ReplaceSeqRewritesOnlyTheEnvelope()
        {
            var json = ProtocolCodec.Encode(new SignalMessage { Ts = 1, Symbol = "NQ 12-26", Direction = "long", Strength = "normal", Confluence = 1, Price = 1, Metadata = new Dictionary<string, object> { { "seq", 77 } } }, 123, Now);
            var renumbered = ProtocolCodec.ReplaceSeq(json, 4);
            var v = JsonReader.Parse(renumbered);
            Assert.Equal(4, v.GetLong("seq"));
            Assert.Equal(77, v.Get("metadata").GetLong("seq"));
        }

        [Fact]
        public void DecodesWelcome()
        {
            var m = Single("{\"type\":\"welcome\",\"seq\":0,\"ts\":1764115200000500,\"protocol\":1,\"session_id\":\"3f0c\",\"resumed\":true,\"last_seq\":1198,\"server\":{\"name\":\"enigma-apex\",\"version\":\"0.1.0\"},\"heartbeat_ms\":5000,\"max_payload\":262144}");
            var w = Assert.IsType<WelcomeMessage>(m);
            Assert.Equal("3f0c", w.SessionId);
            Assert.True(w.Resumed);
            Assert.Equal(1198, w.LastSeq);
            Assert.Equal("enigma-apex", w.ServerName);
            Assert.Equal("0.1.0", w.ServerVersion);
            Assert.Equal(5000, w.HeartbeatMs);
            Assert.Equal(262144, w.MaxPayload);
            Assert.False(w.IsSequenced);
        }

        [Fact]
        public void DecodesErrorPongAck()
        {
            var e = Assert.IsType<ErrorMessage>(Single("{\"type\":\"error\",\"seq\":0,\"ts\":1764115200500000,\"code\":\"GATEWAY_NEGATIVE_SIZE\",\"message\":\"tick.size is -1; sizes must be ≥ 0\",\"ref_seq\":57,\"ref_type\":\"tick\"}"));
            Assert.Equal("GATEWAY_NEGATIVE_SIZE", e.Code);
            Assert.Equal(57, e.RefSeq);
            Assert.Equal("tick", e.RefType);
            Assert.Contains("≥", e.Message);
            var p = Assert.IsType<PongMessage>(Single("{\"type\":\"pong\",\"seq\":0,\"ts\":1764115200002100,\"id\":\"p-17\",\"ping_ts\":1764115200002000}"));
            Assert.Equal("p-17", p.Id);
            Assert.Equal(1764115200002000, p.PingTs);
            Assert.Equal(1200, Assert.IsType<AckMessage>(Single("{\"type\":\"ack\",\"seq\":0,\"ts\":1,\"last_seq\":1200}")).LastSeq);
        }

        [Fact]
        public void DecodesOrderWithBracket()
        {
            var o = Assert.IsType<OrderCommand>(Single("{\"type\":\"order\",\"seq\":1,\"ts\":1764115200200850,\"client_order_id\":\"ea-9f1c-000001\",\"account\":\"Sim101\",\"symbol\":\"NQ 12-26\",\"side\":\"buy\",\"quantity\":1,\"order_type\":\"market\",\"time_in_force\":\"day\",\"bracket\":{\"stop_loss\":20995.0,\"take_profit\":21030.0},\"signal_ts\":1764115200200000,\"reason\":\"signalToOrder: long signal from enigma\"}"));
            Assert.Equal(1, o.Seq);
            Assert.True(o.IsSequenced);
            Assert.Equal("ea-9f1c-000001", o.Order.ClientOrderId);
            Assert.Equal("Sim101", o.Order.Account);
            Assert.Equal("buy", o.Order.Side);
            Assert.Equal(1, o.Order.Quantity);
            Assert.Equal("market", o.Order.OrderType);
            Assert.Null(o.Order.LimitPrice);
            Assert.Equal(20995.0, o.Order.Bracket.StopLoss);
            Assert.Equal(21030.0, o.Order.Bracket.TakeProfit);
            Assert.Equal(1764115200200000, o.Order.SignalTs);
        }

        [Fact]
        public void DecodesCancelReplaceFlattenState()
        {
            var c = Assert.IsType<CancelCommand>(Single("{\"type\":\"cancel\",\"seq\":2,\"ts\":1764115205000000,\"command_id\":\"c-2\",\"client_order_id\":\"ea-9f1c-000001\",\"account\":\"Sim101\"}"));
            Assert.Equal("c-2", c.CommandId);
            var r = Assert.IsType<ReplaceCommand>(Single("{\"type\":\"replace\",\"seq\":3,\"ts\":1764115206000000,\"command_id\":\"c-3\",\"client_order_id\":\"ea-9f1c-000002\",\"account\":\"Sim101\",\"limit_price\":21005.0}"));
            Assert.Equal(21005.0, r.LimitPrice);
            Assert.Null(r.Quantity);
            var f = Assert.IsType<FlattenCommand>(Single("{\"type\":\"flatten\",\"seq\":4,\"ts\":1764115207000000,\"command_id\":\"c-4\",\"account\":\"Sim101\",\"reason\":\"kill switch\"}"));
            Assert.Null(f.Symbol);
            Assert.Equal("kill switch", f.Reason);
            var s = Assert.IsType<StateMessage>(Single("{\"type\":\"state\",\"seq\":5,\"ts\":1764115207000100,\"account\":\"Sim101\",\"state\":\"HALTED\",\"reasons\":[\"daily loss limit reached: -1500.00 of -1500.00\"],\"health\":0}"));
            Assert.Equal("HALTED", s.State);
            Assert.Single(s.Reasons);
        }

        [Fact]
        public void DecodesProposalSubscribeSnapshotRequest()
        {
            var p = Assert.IsType<ProposalMessage>(Single("{\"type\":\"proposal\",\"seq\":6,\"ts\":1764115208000000,\"proposal_id\":\"pr-12\",\"expires_ts\":1764115238000000,\"order\":{\"client_order_id\":\"ea-9f1c-000003\",\"account\":\"Sim101\",\"symbol\":\"NQ 12-26\",\"side\":\"sell\",\"quantity\":2,\"order_type\":\"limit\",\"limit_price\":21020.0,\"time_in_force\":\"day\",\"reason\":\"kelly 0.18 × confluence 3\"},\"reason\":\"strong short signal\"}"));
            Assert.Equal("pr-12", p.ProposalId);
            Assert.Equal(2, p.Order.Quantity);
            Assert.Equal(21020.0, p.Order.LimitPrice);
            Assert.Equal(1764115238000000, p.ExpiresTs);
            var sub = Assert.IsType<SubscriptionMessage>(Single("{\"type\":\"subscribe\",\"seq\":7,\"ts\":1764115209000000,\"symbols\":[\"ES 12-26\"],\"streams\":[\"tick\",\"bar\"],\"bar_period_seconds\":60}"));
            Assert.True(sub.Subscribe);
            Assert.Equal(new[] { "tick", "bar" }, sub.Streams);
            Assert.Equal(60, sub.BarPeriodSeconds);
            Assert.False(Assert.IsType<SubscriptionMessage>(Single("{\"type\":\"unsubscribe\",\"seq\":8,\"ts\":1,\"symbols\":[\"ES 12-26\"],\"streams\":[\"tick\"]}")).Subscribe);
            var sr = Assert.IsType<SnapshotRequestMessage>(Single("{\"type\":\"snapshot_request\",\"seq\":8,\"ts\":1764115209000500,\"request_id\":\"snap-3\",\"reason\":\"gap\"}"));
            Assert.Equal("snap-3", sr.RequestId);
        }

        [Fact]
        public void DecodesBatchesInOrderAndIgnoresUnknownFieldsAndTypes()
        {
            var list = ProtocolCodec.DecodeFrame("[{\"type\":\"ack\",\"seq\":0,\"ts\":1,\"last_seq\":3,\"future_field\":true},{\"type\":\"cancel\",\"seq\":9,\"ts\":2,\"command_id\":\"c\",\"client_order_id\":\"o\",\"account\":\"A\"},{\"type\":\"new_in_v1_1\",\"seq\":10,\"ts\":3}]");
            Assert.Equal(3, list.Count);
            Assert.IsType<AckMessage>(list[0]);
            Assert.IsType<CancelCommand>(list[1]);
            var u = Assert.IsType<UnknownEngineMessage>(list[2]);
            Assert.Equal(10, u.Seq);
        }

        [Theory]
        [InlineData("not json")]
        [InlineData("[]")]
        [InlineData("42")]
        [InlineData("{\"seq\":1,\"ts\":1}")]
        [InlineData("{\"type\":\"order\",\"seq\":1,\"ts\":1}")]
        [InlineData("{\"type\":\"ack\",\"seq\":0,\"ts\":1,\"last_seq\":\"x\"}")]
        [InlineData("{\"type\":\"ack\",\"seq\":-1,\"ts\":1,\"last_seq\":1}")]
        public void RefusesMalformedFrames(string frame)
        {
            Assert.Throws<JsonException>(() => ProtocolCodec.DecodeFrame(frame));
        }

        private static EngineMessage Single(string json)
        {
            var list = ProtocolCodec.DecodeFrame(json);
            Assert.Single(list);
            return list[0];
        }
    }
}
