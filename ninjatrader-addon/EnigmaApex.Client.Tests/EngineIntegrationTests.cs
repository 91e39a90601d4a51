using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using EnigmaApex.Client.Bridge;
using EnigmaApex.Client.Protocol;
using EnigmaApex.Client.Transport;
using Xunit;
using Xunit.Abstractions;

namespace EnigmaApex.Client.Tests
{
    /// <summary>
    /// The C# client against the real Node engine over loopback (issue 4, "Build and tests").
    /// Run alone with <c>dotnet test --filter Category=Integration</c>; the unit tests run without
    /// it with <c>--filter Category!=Integration</c>.
    /// </summary>
    [CollectionDefinition("Engine", DisableParallelization = true)]
    public class EngineCollection { }

    [Trait("Category", "Integration")]
    [Collection("Engine")]
    public class EngineIntegrationTests
    {
        private const string Symbol = "NQ 12-26";
        private const long T0 = 1764115200000000; // 2025-11-26 00:00:00 UTC in µs
        private readonly ITestOutputHelper _out;

        public EngineIntegrationTests(ITestOutputHelper output) { _out = output; }

        /// <summary>
        /// Stands where NinjaTrader's accounts would be (they exist only inside NinjaTrader): records
        /// the orders the AddOn's <see cref="CommandDispatcher"/> submits and answers snapshots.
        /// </summary>
        private sealed class RecordingBroker : IBrokerAdapter
        {
            public readonly ConcurrentQueue<OrderSpec> Submitted = new ConcurrentQueue<OrderSpec>();
            public int Snapshots;
            public void SubmitOrder(OrderSpec order) { Submitted.Enqueue(order); }
            public void CancelOrder(CancelCommand command) { }
            public void ReplaceOrder(ReplaceCommand command) { }
            public void Flatten(FlattenCommand command) { }
            public void ShowProposal(ProposalMessage proposal) { }
            public void ChangeSubscription(SubscriptionMessage subscription) { }
            public SnapshotMessage TakeSnapshot()
            {
                Interlocked.Increment(ref Snapshots);
                // Sim101 is not an account this engine trades through NinjaTrader (its default run has
                // only the paper SIM-50K), so the AddOn reports nothing about it (protocol §4.5).
                return new SnapshotMessage { Ts = Clock.NowMicros() };
            }
        }

        private static string NewToken()
        {
            var bytes = new byte[24];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
            return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        }

        private EnigmaClient NewClient(Uri uri, string token)
        {
            var o = new EnigmaClientOptions
            {
                Endpoint = uri,
                Token = token,
                ClientVersion = "0.1.0-test",
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(1),
                AuthFailureRetryDelay = TimeSpan.FromSeconds(60),
            };
            o.Accounts.Add("Sim101");
            var client = new EnigmaClient(o);
            client.Log += line => { lock (_out) { try { _out.WriteLine(DateTime.UtcNow.ToString("HH:mm:ss.fff") + " client: " + line); } catch (InvalidOperationException) { } } };
            return client;
        }

        [Fact]
        public void RefusesAWrongToken()
        {
            string token = NewToken();
            using (var engine = EngineProcess.Start(token))
            using (var client = NewClient(engine.StreamUri, "not-" + token))
            {
                var logs = new ConcurrentQueue<string>();
                client.Log += logs.Enqueue;
                client.Start();
                Wait.Until(() => logs.Any(l => l.Contains("401")), "the 401 refusal", 15000);
                Assert.NotEqual(ConnectionState.Connected, client.State);
                Assert.Equal(0, client.Statistics.Connections);
            }
        }

        [Fact]
        public async System.Threading.Tasks.Task TheEngineTakesEveryClientMessageTypeAndNamesEachRefusal()
        {
            string token = NewToken();
            using (var engine = EngineProcess.Start(token))
            {
                var client = NewClient(engine.StreamUri, token);
                var errors = new ConcurrentQueue<ErrorMessage>();
                client.EngineError += errors.Enqueue;
                client.Start();
                Wait.Until(() => client.State == ConnectionState.Connected, "the welcome", 15000);
                long ts = T0;
                var account = new AccountMessage { Ts = ts, Account = "Sim101", Currency = "USD", Balance = 50250, Equity = 50310, RealizedPnlToday = 250, UnrealizedPnl = 60 };
                var position = new PositionMessage { Ts = ts, Account = "Sim101", Symbol = Symbol, Quantity = -2, AveragePrice = 21012.25, UnrealizedPnl = -10, RealizedPnl = 5 };
                var order = new OrderUpdateMessage
                {
                    Ts = ts, ClientOrderId = "ea-1", BrokerOrderId = "b-1", Account = "Sim101", Symbol = Symbol, Side = Sides.Sell, Quantity = 2, FilledQuantity = 2,
                    AverageFillPrice = 21012.25, OrderType = "limit", LimitPrice = 21012.25, TimeInForce = "day", Status = OrderStatuses.Filled,
                };
                var snapshot = new SnapshotMessage { Ts = ts + 5 };
                snapshot.Accounts.Add(account);
                snapshot.Positions.Add(position);
                snapshot.Orders.Add(new OrderUpdateMessage { Ts = ts, ClientOrderId = "ea-2", Account = "Sim101", Symbol = Symbol, Side = Sides.Buy, Quantity = 1, FilledQuantity = 0, OrderType = "stop", StopPrice = 20990, TimeInForce = "gtc", Status = OrderStatuses.Working });
                var messages = new IClientMessage[]
                {
                    new TickMessage { Ts = ts, Symbol = Symbol, Price = 21012.25, Size = 3, Bid = 21012, Ask = 21012.25, Side = Sides.Buy },
                    new QuoteMessage { Ts = ts + 1, Symbol = Symbol, Bid = 21012, Ask = 21012.25, BidSize = 7, AskSize = 3 },
                    new BarMessage { Ts = ts - 60000000, End = ts, Symbol = Symbol, Open = 21000, High = 21014.5, Low = 20998.25, Close = 21012.25, Volume = 1840, BuyVolume = 1010, SellVolume = 830, Trades = 912 },
                    new SignalMessage { Ts = ts + 2, Symbol = Symbol, Direction = "neutral", Strength = "normal", Power = 0, Confluence = 1, Price = 21012.25, Metadata = new Dictionary<string, object> { { "plot", "Signal" }, { "bar", 12 }, { "live", true } } },
                    account, position, order,
                    new ExecutionMessage { Ts = ts, FillId = "x-1", ClientOrderId = "ea-1", Account = "Sim101", Symbol = Symbol, Side = Sides.Sell, Quantity = 2, Price = 21012.25, Commission = 4.18 },
                    snapshot,
                    new ProposalDecisionMessage { Ts = ts + 6, ProposalId = "pr-1", Decision = "rejected", Reason = "test" },
                };
                foreach (var m in messages) client.Send(m);
                long bad = client.Send(new TickMessage { Ts = ts + 7, Symbol = Symbol, Price = 21012.25, Size = -1, Bid = 21012, Ask = 21012.25 });
                long after = client.Send(new TickMessage { Ts = ts + 8, Symbol = Symbol, Price = 21012.5, Size = 1, Bid = 21012.25, Ask = 21012.5 });
                Wait.Until(() => client.Buffer.AckedSeq == after, "the engine to acknowledge everything, the refused tick included", 15000);
                Wait.Until(() => errors.Count >= 1, "the error for the negative size", 5000);
                await client.StopAsync(TimeSpan.FromSeconds(5));

                // The engine's default run trades no account through NinjaTrader, so what the AddOn says
                // about Sim101 is refused (protocol §4.5; NinjaTraderTradingTests has an owned account),
                // and so is a decision on a proposal it never sent; each refusal names its message.
                Wait.Until(() => errors.Count >= 7, "an error for every refused message", 5000);
                var byType = errors.ToDictionary(e => e.RefType, e => e.Code);
                foreach (var type in new[] { "account", "position", "order_update", "execution", "snapshot" })
                    Assert.Equal("GATEWAY_ACCOUNT_NOT_OWNED", byType[type]);
                Assert.Equal("GATEWAY_UNKNOWN_PROPOSAL", byType["proposal_decision"]);
                var e = errors.Single(x => x.Code == "GATEWAY_NEGATIVE_SIZE");
                Assert.Equal(bad, e.RefSeq);
                Assert.Equal(7, errors.Count);
                Assert.Equal(1, client.Statistics.Connections); // the connection stayed up
            }
        }

        [Fact]
        public async System.Threading.Tasks.Task ResumesTheSessionAfterALinkDropWithNothingLostOrDuplicated()
        {
            const int total = 20000;
            const int signalEvery = 50;
            string token = NewToken();
            using (var engine = EngineProcess.Start(token))
            {
                ClientWebSocketTransport current = null;
                var client = NewClient(engine.StreamUri, token);
                client.Options.TransportFactory = () => { var t = new ClientWebSocketTransport(); Volatile.Write(ref current, t); return t; };
                var welcomes = new ConcurrentQueue<WelcomeMessage>();
                var orders = new ConcurrentQueue<OrderCommand>();
                var errors = new ConcurrentQueue<ErrorMessage>();
                client.Welcomed += welcomes.Enqueue;
                client.EngineError += errors.Enqueue;
                client.MessageReceived += m => { var o = m as OrderCommand; if (o != null) orders.Enqueue(o); };
                client.Start();
                Wait.Until(() => client.State == ConnectionState.Connected, "the first welcome", 15000);
                int signals = 0;
                for (int i = 0; i < total; i++)
                {
                    long ts = T0 + i * 100L;
                    double price = 21000 + (i % 40) * 0.25;
                    if (i % signalEvery == signalEvery - 1)
                    {
                        client.Send(new SignalMessage { Ts = ts, Symbol = Symbol, Direction = signals % 2 == 0 ? "long" : "short", Strength = "normal", Power = 1, Confluence = 2, Price = price });
                        signals++;
                    }
                    else client.Send(new TickMessage { Ts = ts, Symbol = Symbol, Price = price, Size = 1, Bid = price - 0.25, Ask = price, Side = Sides.Unknown });
                    if (i == total / 2)
                    {
                        Volatile.Read(ref current).Abort(); // the link drops; the engine keeps the session
                        Wait.Until(() => welcomes.Count == 2, "the resumed welcome", 20000);
                    }
                }
                Wait.Until(() => client.Buffer.Count == 0, "every message acknowledged", 60000);
                Wait.Until(() => orders.Count >= signals, "an order for every signal", 30000);
                await client.StopAsync(TimeSpan.FromSeconds(5));

                var w = welcomes.ToArray();
                Assert.False(w[0].Resumed);
                Assert.True(w[1].Resumed, "the engine resumed the session");
                Assert.Equal(w[0].SessionId, w[1].SessionId);
                Assert.Equal(total, client.Buffer.AckedSeq);
                Assert.Empty(errors);
                var list = orders.ToList();
                Assert.Equal(signals, list.Count);
                Assert.Equal(signals, list.Select(o => o.Order.ClientOrderId).Distinct().Count());
                for (int i = 1; i < list.Count; i++) Assert.True(list[i].Seq > list[i - 1].Seq, "engine seq increases");
                _out.WriteLine(total + " messages and " + signals + " orders across a link drop; duplicates dropped by seq: " + client.Statistics.DuplicatesDropped);
            }
        }

        [Fact]
        public async System.Threading.Tasks.Task StreamsTicksAndSignalsGetsOrdersBackAndSurvivesAnEngineRestart()
        {
            const int total = 100000;
            const int signalEvery = 50;      // 2,000 signals among 98,000 ticks
            const int killAfter = total / 2;

            string token = NewToken();
            var engine = EngineProcess.Start(token);
            int port = engine.Port;
            try
            {
                // Orders back from the engine: every delivery recorded with its engine session; the
                // AddOn's dispatcher submits each client_order_id at most once and answers snapshots.
                var broker = new RecordingBroker();
                var deliveries = new ConcurrentQueue<KeyValuePair<int, OrderCommand>>();
                var engineSeqs = new ConcurrentQueue<long>();
                var errors = new ConcurrentQueue<ErrorMessage>();
                var signalSeqByTs = new Dictionary<long, long>(); // signal ts → client seq when first sent
                int session = 0;
                int generation = 0; // engine processes: orders are unique per process, not across a restart
                int snapshotRequests = 0;

                using (var client = NewClient(engine.StreamUri, token))
                {
                    client.EngineError += errors.Enqueue;
                    client.Welcomed += w => { if (!w.Resumed) { Interlocked.Increment(ref session); engineSeqs.Enqueue(-1); } };
                    client.MessageReceived += m =>
                    {
                        engineSeqs.Enqueue(m.Seq);
                        if (m is SnapshotRequestMessage) Interlocked.Increment(ref snapshotRequests);
                        var o = m as OrderCommand;
                        if (o != null) deliveries.Enqueue(new KeyValuePair<int, OrderCommand>(Volatile.Read(ref generation), o));
                    };
                    var dispatcher = new CommandDispatcher(client, broker);
                    client.Start();
                    Wait.Until(() => client.State == ConnectionState.Connected, "the first welcome", 15000);

                    var sw = Stopwatch.StartNew();
                    long ackedByFirstEngine = -1;
                    for (int i = 0; i < total; i++)
                    {
                        long ts = T0 + i * 100L;
                        double price = 21000 + (i % 40) * 0.25;
                        if (i % signalEvery == signalEvery - 1)
                        {
                            bool isLong = (i / signalEvery) % 2 == 0;
                            long seq = client.Send(new SignalMessage
                            {
                                Ts = ts, Source = "enigma", Symbol = Symbol, Direction = isLong ? "long" : "short",
                                Strength = "strong", Power = 5.5, Confluence = 3, Price = price,
                                Stop = isLong ? price - 10 : price + 10, Targets = new List<double> { isLong ? price + 20 : price - 20 },
                            });
                            signalSeqByTs[ts] = seq;
                        }
                        else
                        {
                            client.Send(new TickMessage { Ts = ts, Symbol = Symbol, Price = price, Size = 1 + i % 5, Bid = price - 0.25, Ask = price, Side = i % 2 == 0 ? Sides.Buy : Sides.Sell });
                        }

                        if (i == killAfter)
                        {
                            Wait.Until(() => client.Buffer.AckedSeq >= killAfter / 4, "the first engine to acknowledge a part of the stream", 30000);
                            engine.Kill();
                            Wait.Until(() => client.State != ConnectionState.Connected, "the client to notice the engine died", 20000);
                            ackedByFirstEngine = client.Buffer.AckedSeq;
                            _out.WriteLine("killed the engine after " + (i + 1) + " messages; it had acknowledged " + ackedByFirstEngine);
                            engine.Dispose();
                            Interlocked.Increment(ref generation);
                            engine = EngineProcess.Start(token, port);
                        }
                    }

                    Wait.Until(() => client.Buffer.Count == 0, "every message acknowledged (unacked " + client.Buffer.Count + ")", 120000);
                    double seconds = sw.Elapsed.TotalSeconds;
                    _out.WriteLine(total + " messages acknowledged in " + seconds.ToString("F2") + " s, including an engine restart");

                    // Orders for every signal the second engine handled: those not acknowledged by the first.
                    var mustHaveOrders = signalSeqByTs.Where(kv => kv.Value > ackedByFirstEngine).Select(kv => kv.Key).ToList();
                    Wait.Until(() => { var have = new HashSet<long>(broker.Submitted.Select(o => o.SignalTs ?? -1)); return mustHaveOrders.All(have.Contains); }, "orders for the " + mustHaveOrders.Count + " signals after the restart", 30000);

                    await client.StopAsync(TimeSpan.FromSeconds(10));
                    Assert.Equal(ConnectionState.Stopped, client.State);

                    // Nothing lost: every client message up to the last seq acknowledged.
                    Assert.Equal(0, client.Buffer.Count);
                    Assert.Equal(client.Buffer.LastSeq, client.Buffer.AckedSeq);
                    Assert.True(client.Statistics.Connections >= 2, "the client reconnected to the restarted engine");
                    Assert.Empty(errors);
                    Assert.Equal(0, client.Statistics.HandlerErrors);

                    // Nothing duplicated: within each engine session the handler saw strictly increasing
                    // seqs, and each engine process delivered no order twice; across the restart (the
                    // session resumes from the store's watermark) an order may be delivered again (same
                    // client_order_id, derived from the signal) and is submitted only once.
                    long previous = 0;
                    foreach (var s in engineSeqs)
                    {
                        if (s == -1) { previous = 0; continue; }
                        Assert.True(s > previous, "engine seq " + s + " after " + previous);
                        previous = s;
                    }
                    foreach (var group in deliveries.GroupBy(d => d.Key))
                    {
                        var ids = group.Select(d => d.Value.Order.ClientOrderId).ToList();
                        Assert.Equal(ids.Count, ids.Distinct().Count());
                    }
                    var delivered = deliveries.Select(d => d.Value).ToList();
                    var submitted = broker.Submitted.ToList();
                    Assert.Equal(delivered.Select(d => d.Order.ClientOrderId).Distinct().Count(), submitted.Count);
                    Assert.Equal(submitted.Count, submitted.Select(o => o.ClientOrderId).Distinct().Count());
                    Assert.Equal(submitted.Count, submitted.Select(o => o.SignalTs).Distinct().Count()); // one order per signal
                    Assert.Equal(Volatile.Read(ref snapshotRequests), Volatile.Read(ref broker.Snapshots)); // every snapshot_request answered
                    foreach (var d in delivered)
                    {
                        Assert.True(d.Order.SignalTs.HasValue && signalSeqByTs.ContainsKey(d.Order.SignalTs.Value), "an order for a signal that was sent");
                        bool wasLong = ((d.Order.SignalTs.Value - T0) / 100 / signalEvery) % 2 == 0;
                        Assert.Equal(wasLong ? "buy" : "sell", d.Order.Side);
                        Assert.Equal("Sim101", d.Order.Account);
                        Assert.Equal(Symbol, d.Order.Symbol);
                        Assert.Equal(1, d.Order.Quantity);
                    }
                    _out.WriteLine(delivered.Count + " orders delivered, " + submitted.Count + " submitted, for " + signalSeqByTs.Count + " signals; " + mustHaveOrders.Count + " required after the restart; "
                        + snapshotRequests + " snapshot requests answered");
                }

                // Clean shutdown of the engine.
                int? exit = engine.Terminate();
                Assert.True(exit.HasValue, "the engine did not exit within 15 s of SIGTERM\n" + engine.Output());
                Assert.True(exit.Value == 0, "the engine exited with " + exit.Value + "\n" + engine.Output());
            }
            finally
            {
                engine.Dispose();
            }
        }
    }
}
