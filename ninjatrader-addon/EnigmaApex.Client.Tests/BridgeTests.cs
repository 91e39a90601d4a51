using System;
using System.Collections.Generic;
using System.Linq;
using EnigmaApex.Client.Bridge;
using EnigmaApex.Client.Json;
using EnigmaApex.Client.Protocol;
using Xunit;

namespace EnigmaApex.Client.Tests
{
    public class SignalMappingTests
    {
        private static Func<PlotRef, double> Plots(Dictionary<string, double> values)
        {
            return r =>
            {
                double v;
                return values.TryGetValue(r.Plot + (r.BarsAgo > 0 ? "@" + r.BarsAgo : ""), out v) ? v : double.NaN;
            };
        }

        [Fact]
        public void TheDefaultMappingReadsNamedPlots()
        {
            var m = SignalMapping.Default();
            var s = m.Map(Plots(new Dictionary<string, double> { { "Signal", 1 }, { "Strength", 2 }, { "Power", 7.5 }, { "Confluence", 3 }, { "Stop", 20995 }, { "Target1", 21030 }, { "Target2", 21050 } }), "NQ 12-26", 42, 21012.25);
            Assert.Equal("long", s.Direction);
            Assert.Equal("strong", s.Strength);
            Assert.Equal(7.5, s.Power);
            Assert.Equal(3, s.Confluence);
            Assert.Equal(21012.25, s.Price);
            Assert.Equal(20995, s.Stop);
            Assert.Equal(new[] { 21030.0, 21050.0 }, s.Targets);
            Assert.Equal("enigma", s.Source);
            Assert.Equal(42, s.Ts);
            Assert.Equal("NQ 12-26", s.Symbol);
        }

        [Fact]
        public void NoDirectionMeansNoSignal()
        {
            var m = SignalMapping.Default();
            Assert.Null(m.Map(Plots(new Dictionary<string, double> { { "Signal", 0 } }), "NQ 12-26", 1, 1));
            Assert.Null(m.Map(Plots(new Dictionary<string, double>()), "NQ 12-26", 1, 1));
        }

        [Fact]
        public void ACustomMappingUsesIndexesConditionsScaleAndMetadata()
        {
            var m = SignalMapping.Parse(JsonReader.Parse(@"{
                ""indicator"": ""EnigmaFlow"",
                ""direction"": { ""plot"": ""#2"", ""long_when"": ""== 1"", ""short_when"": ""== -1"" },
                ""strength"": { ""plot"": ""#3"", ""strong_when"": "">= 80"" },
                ""power"": { ""plot"": ""#3"", ""scale"": 0.1 },
                ""confluence"": { ""plot"": ""Dots"", ""bars_ago"": 1 },
                ""stop"": null,
                ""targets"": [""TP""],
                ""price"": ""Entry"",
                ""metadata"": { ""delta"": ""Delta"" }
            }"));
            Assert.Equal("EnigmaFlow", m.Indicator);
            Assert.Equal(2, m.Direction.Index);
            var s = m.Map(Plots(new Dictionary<string, double> { { "#2", -1 }, { "#3", 85 }, { "Dots@1", 9 }, { "Stop", 5 }, { "TP", 100 }, { "Entry", 101.5 }, { "Delta", -320 } }), "ES 12-26", 1, 99);
            Assert.Equal("short", s.Direction);
            Assert.Equal("strong", s.Strength);
            Assert.Equal(8.5, s.Power, 10);
            Assert.Equal(4, s.Confluence); // clamped
            Assert.Null(s.Stop);           // disabled by null
            Assert.Equal(new[] { 100.0 }, s.Targets);
            Assert.Equal(101.5, s.Price);
            Assert.Equal(-320.0, s.Metadata["delta"]);
        }

        [Fact]
        public void MissingValuesFallBackSafely()
        {
            var s = SignalMapping.Default().Map(Plots(new Dictionary<string, double> { { "Signal", -3 }, { "Stop", double.NaN }, { "Target1", 0 } }), "NQ 12-26", 1, 50);
            Assert.Equal("short", s.Direction);
            Assert.Equal("normal", s.Strength);
            Assert.Equal(0, s.Power);
            Assert.Equal(1, s.Confluence);
            Assert.Null(s.Stop);
            Assert.Null(s.Targets);
            // and it encodes: no NaN reaches the wire
            ProtocolCodec.Encode(s, 1, 1);
        }

        [Theory]
        [InlineData("{\"direction\":{\"plot\":\"S\",\"long_when\":\"bigger than 0\"}}")]
        [InlineData("{\"targets\":\"T1\"}")]
        [InlineData("{\"power\":3}")]
        public void RejectsInvalidMappingsWithTheField(string json)
        {
            Assert.Throws<JsonException>(() => SignalMapping.Parse(JsonReader.Parse(json)));
        }

        [Fact]
        public void OneSignalPerBarAndDirection()
        {
            var d = new SignalDeduplicator();
            Assert.True(d.ShouldEmit(10, "long"));
            Assert.False(d.ShouldEmit(10, "long"));
            Assert.True(d.ShouldEmit(10, "short"));
            Assert.True(d.ShouldEmit(11, "short"));
        }
    }

    public class AddOnSettingsTests
    {
        [Fact]
        public void ParsesEveryField()
        {
            var s = AddOnSettings.Parse(@"{
                ""endpoint"": ""ws://127.0.0.1:9000/v1/stream"",
                ""token_env"": ""MY_TOKEN"",
                ""accounts"": [""Sim101"", ""Apex-1""],
                ""instruments"": [""NQ 12-26"", { ""symbol"": ""ES 12-26"", ""streams"": [""tick"", ""quote"", ""bar""], ""bar_period_seconds"": 300 }],
                ""auto_connect"": false,
                ""buffer_capacity"": 150000,
                ""signal_mapping"": { ""indicator"": ""Enigma"" }
            }");
            Assert.Equal(9000, s.Endpoint.Port);
            Assert.Equal("MY_TOKEN", s.TokenEnvironmentVariable);
            Assert.Equal(new[] { "Sim101", "Apex-1" }, s.Accounts);
            Assert.Equal("NQ 12-26", s.Instruments[0].Symbol);
            Assert.Equal(new[] { "tick" }, s.Instruments[0].Streams);
            Assert.Equal(new[] { "tick", "quote", "bar" }, s.Instruments[1].Streams);
            Assert.Equal(300, s.Instruments[1].BarPeriodSeconds);
            Assert.Equal(60, s.Instruments[0].BarPeriodSeconds);
            Assert.False(s.AutoConnect);
            var o = s.ToClientOptions();
            Assert.Equal(150000, o.BufferCapacity);
            Assert.Equal(new[] { "Sim101", "Apex-1" }, o.Accounts);
        }

        [Fact]
        public void DefaultsWhenEmptyAndTokenFromTheFileWins()
        {
            var s = AddOnSettings.Parse("{\"token\":\"abc\"}");
            Assert.Equal("ws://127.0.0.1:8686/v1/stream", s.Endpoint.ToString());
            Assert.Equal("abc", s.ResolveToken());
            Assert.True(s.AutoConnect);
            Assert.Equal("Enigma", s.SignalMapping.Indicator);
        }

        [Theory]
        [InlineData("{\"endpiont\":\"ws://x\"}")]
        [InlineData("{\"endpoint\":\"http://127.0.0.1/\"}")]
        [InlineData("{\"instruments\":[{\"symbol\":\"NQ 12-26\",\"streams\":[\"depth\"]}]}")]
        [InlineData("{\"buffer_capacity\":10}")]
        [InlineData("[]")]
        public void RejectsTyposAndBadValues(string json)
        {
            Assert.Throws<JsonException>(() => AddOnSettings.Parse(json));
        }
    }

    public class CommandDispatcherTests
    {
        /// <summary>Stands where NinjaTrader's Account would be; records what it was asked to do.</summary>
        private sealed class RecordingBroker : IBrokerAdapter
        {
            public readonly List<string> Calls = new List<string>();
            public void SubmitOrder(OrderSpec order) { Calls.Add("submit " + order.ClientOrderId); }
            public void CancelOrder(CancelCommand c) { Calls.Add("cancel " + c.ClientOrderId); }
            public void ReplaceOrder(ReplaceCommand c) { Calls.Add("replace " + c.ClientOrderId); }
            public void Flatten(FlattenCommand c) { Calls.Add("flatten " + c.Account); }
            public void ShowProposal(ProposalMessage p) { Calls.Add("propose " + p.ProposalId); }
            public void ChangeSubscription(SubscriptionMessage s) { Calls.Add((s.Subscribe ? "subscribe " : "unsubscribe ") + string.Join(",", s.Symbols)); }
            public SnapshotMessage TakeSnapshot() { Calls.Add("snapshot"); return new SnapshotMessage { Ts = 5 }; }
        }

        private static EngineMessage Decode(string json) { return ProtocolCodec.DecodeFrame(json)[0]; }

        private static string Order(long seq, string id)
        {
            return "{\"type\":\"order\",\"seq\":" + seq + ",\"ts\":1,\"client_order_id\":\"" + id + "\",\"account\":\"Sim101\",\"symbol\":\"NQ 12-26\",\"side\":\"buy\",\"quantity\":1,\"order_type\":\"market\",\"time_in_force\":\"day\",\"reason\":\"r\"}";
        }

        private static EnigmaClient Client()
        {
            return new EnigmaClient(new EnigmaClientOptions { Endpoint = new Uri("ws://127.0.0.1:1/v1/stream") });
        }

        [Fact]
        public void SubmitsEachClientOrderIdOnceEvenWhenTheOrderArrivesAgain()
        {
            var broker = new RecordingBroker();
            var d = new CommandDispatcher(Client(), broker);
            d.Dispatch(Decode(Order(1, "ea-1")));
            d.Dispatch(Decode(Order(2, "ea-2")));
            d.Dispatch(Decode(Order(1, "ea-1"))); // redelivered by a restarted engine with a new seq
            Assert.Equal(new[] { "submit ea-1", "submit ea-2" }, broker.Calls);
        }

        [Fact]
        public void CarriesOutEachCommandIdOnce()
        {
            var broker = new RecordingBroker();
            var d = new CommandDispatcher(Client(), broker);
            var cancel = "{\"type\":\"cancel\",\"seq\":3,\"ts\":1,\"command_id\":\"c-1\",\"client_order_id\":\"ea-1\",\"account\":\"Sim101\"}";
            var flatten = "{\"type\":\"flatten\",\"seq\":4,\"ts\":1,\"command_id\":\"c-2\",\"account\":\"Sim101\",\"reason\":\"kill switch\"}";
            d.Dispatch(Decode(cancel));
            d.Dispatch(Decode(cancel));
            d.Dispatch(Decode(flatten));
            d.Dispatch(Decode(flatten));
            Assert.Equal(new[] { "cancel ea-1", "flatten Sim101" }, broker.Calls);
        }

        [Fact]
        public void AnswersASnapshotRequestWithTheRequestId()
        {
            var broker = new RecordingBroker();
            var client = Client();
            var d = new CommandDispatcher(client, broker);
            d.Dispatch(Decode("{\"type\":\"snapshot_request\",\"seq\":5,\"ts\":1,\"request_id\":\"snap-3\",\"reason\":\"gap\"}"));
            Assert.Equal(new[] { "snapshot" }, broker.Calls);
            var sent = client.Buffer.Snapshot().Single();
            var v = JsonReader.Parse(sent.Json);
            Assert.Equal("snapshot", v.GetString("type"));
            Assert.Equal("snap-3", v.GetString("request_id"));
        }

        [Fact]
        public void KeepsTradingStatesPerAccount()
        {
            var d = new CommandDispatcher(Client(), new RecordingBroker());
            StateMessage raised = null;
            d.StateChanged += s => raised = s;
            d.Dispatch(Decode("{\"type\":\"state\",\"seq\":5,\"ts\":1,\"account\":\"Sim101\",\"state\":\"HALTED\",\"reasons\":[\"daily loss\"],\"health\":0}"));
            Assert.Equal("HALTED", d.StateOf("Sim101").State);
            Assert.Same(raised, d.StateOf("Sim101"));
            Assert.Null(d.StateOf("Other"));
        }

        [Fact]
        public void AProposalIsShownOnceAndAcceptingItReportsTheDecisionWithoutSubmittingTheOrderItself()
        {
            var broker = new RecordingBroker();
            var client = Client();
            var d = new CommandDispatcher(client, broker);
            var p = "{\"type\":\"proposal\",\"seq\":6,\"ts\":1,\"proposal_id\":\"pr-12\",\"expires_ts\":1000,\"order\":{\"client_order_id\":\"ea-3\",\"account\":\"Sim101\",\"symbol\":\"NQ 12-26\",\"side\":\"sell\",\"quantity\":2,\"order_type\":\"limit\",\"limit_price\":21020.0,\"time_in_force\":\"day\",\"reason\":\"k\"},\"reason\":\"strong short\"}";
            d.Dispatch(Decode(p));
            d.Dispatch(Decode(p));
            Assert.Single(d.PendingProposals);
            Assert.True(d.Decide("pr-12", true, 500));
            Assert.False(d.Decide("pr-12", true, 500));
            // The engine answers an acceptance with the order itself; submitting here would send it twice.
            Assert.Equal(new[] { "propose pr-12" }, broker.Calls);
            var decision = JsonReader.Parse(client.Buffer.Snapshot().Single().Json);
            Assert.Equal("accepted", decision.GetString("decision"));
        }

        [Fact]
        public void AnExpiredOrRejectedProposalSubmitsNothing()
        {
            var broker = new RecordingBroker();
            var client = Client();
            var d = new CommandDispatcher(client, broker);
            foreach (var id in new[] { "a", "b" })
                d.Dispatch(Decode("{\"type\":\"proposal\",\"seq\":6,\"ts\":1,\"proposal_id\":\"" + id + "\",\"expires_ts\":1000,\"order\":{\"client_order_id\":\"o-" + id + "\",\"account\":\"Sim101\",\"symbol\":\"NQ 12-26\",\"side\":\"sell\",\"quantity\":2,\"order_type\":\"market\",\"time_in_force\":\"day\"},\"reason\":\"r\"}"));
            d.Decide("a", true, 2000);
            d.Decide("b", false, 10, "not now");
            Assert.Equal(new[] { "propose a", "propose b" }, broker.Calls);
            var decisions = client.Buffer.Snapshot().Select(m => JsonReader.Parse(m.Json).GetString("decision")).ToList();
            Assert.Equal(new[] { "expired", "rejected" }, decisions);
        }

        [Fact]
        public void ForwardsSubscriptions()
        {
            var broker = new RecordingBroker();
            var d = new CommandDispatcher(Client(), broker);
            d.Dispatch(Decode("{\"type\":\"subscribe\",\"seq\":7,\"ts\":1,\"symbols\":[\"ES 12-26\"],\"streams\":[\"tick\"]}"));
            d.Dispatch(Decode("{\"type\":\"unsubscribe\",\"seq\":8,\"ts\":1,\"symbols\":[\"ES 12-26\"],\"streams\":[\"tick\"]}"));
            Assert.Equal(new[] { "subscribe ES 12-26", "unsubscribe ES 12-26" }, broker.Calls);
        }
    }
}
