using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EnigmaApex.Client.Json;
using EnigmaApex.Client.Protocol;
using Xunit;

namespace EnigmaApex.Client.Tests
{
    public class EnigmaClientTests
    {
        private static EnigmaClient NewClient(ScriptedEngine engine, Action<EnigmaClientOptions> configure = null)
        {
            var o = new EnigmaClientOptions
            {
                Endpoint = new Uri("ws://127.0.0.1:1/v1/stream"),
                Token = "t",
                InitialBackoff = TimeSpan.FromMilliseconds(10),
                MaxBackoff = TimeSpan.FromMilliseconds(50),
                Random = new Random(1),
                TransportFactory = engine.Create,
            };
            o.Accounts.Add("Sim101");
            if (configure != null) configure(o);
            return new EnigmaClient(o);
        }

        private static TickMessage Tick(int i)
        {
            return new TickMessage { Ts = 1764115200000000 + i, Symbol = "NQ 12-26", Price = 21000 + i * 0.25, Size = 1, Bid = 21000, Ask = 21000.25, Side = Sides.Buy };
        }

        private static string Order(long seq, string id)
        {
            return "{\"type\":\"order\",\"seq\":" + seq + ",\"ts\":1,\"client_order_id\":\"" + id + "\",\"account\":\"Sim101\",\"symbol\":\"NQ 12-26\",\"side\":\"buy\",\"quantity\":1,\"order_type\":\"market\",\"time_in_force\":\"day\",\"reason\":\"r\"}";
        }

        private static string Ack(long lastSeq)
        {
            return "{\"type\":\"ack\",\"seq\":0,\"ts\":1,\"last_seq\":" + lastSeq + "}";
        }

        [Fact]
        public void SendsHelloFirstThenStreamsEveryMessageOnceInOrder()
        {
            var engine = new ScriptedEngine();
            using (var client = NewClient(engine))
            {
                for (int i = 0; i < 10; i++) client.Send(Tick(i));
                client.Start();
                Wait.Until(() => engine.Latest != null && engine.Latest.SentSeqs().Count == 10, "10 ticks");
                var msgs = engine.Latest.SentMessages;
                Assert.Equal("hello", msgs[0].GetString("type"));
                Assert.Equal(1, msgs[0].GetLong("protocol"));
                Assert.Equal("Sim101", msgs[0].Get("accounts").Items[0].AsString());
                Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), engine.Latest.SentSeqs());
                Assert.Equal(ConnectionState.Connected, client.State);
                Assert.Equal("s1", client.SessionId);
            }
        }

        [Fact]
        public void NeverHasTwoSendsInFlightUnderConcurrentProducersAndGroupsBursts()
        {
            var engine = new ScriptedEngine { SendDelayMs = 1 };
            engine.OnHello = h => ScriptedEngine.Welcome("s1", false, 0, 5000, 4096);
            using (var client = NewClient(engine, o => o.AckInterval = TimeSpan.FromMilliseconds(20)))
            {
                client.Start();
                Wait.Until(() => client.State == ConnectionState.Connected, "welcome");
                var producers = Enumerable.Range(0, 4).Select(p => new Thread(() =>
                {
                    for (int i = 0; i < 2500; i++) client.Send(Tick(p * 10000 + i));
                })).ToList();
                producers.ForEach(t => t.Start());
                // The engine sends commands and acks at the same time, so acks and pings interleave with data.
                for (int s = 1; s <= 50; s++) engine.Latest.Push(Order(s, "o" + s));
                producers.ForEach(t => t.Join());
                Wait.Until(() => engine.Latest.SentSeqs("tick").Count == 10000, "10,000 ticks", 30000);
                Wait.Until(() => engine.Latest.SentMessages.Any(m => m.GetString("type") == "ack" && m.GetLong("last_seq") == 50), "ack of 50");

                Assert.Equal(1, engine.MaxInFlight);
                Assert.Equal(Enumerable.Range(1, 10000).Select(i => (long)i), engine.Latest.SentSeqs("tick"));
                Assert.All(engine.Latest.Sent, f => Assert.True(System.Text.Encoding.UTF8.GetByteCount(f) <= 4096, "frame over max_payload"));
                Assert.True(engine.Latest.Sent.Count < 10000, "bursts were grouped into batch frames");
            }
        }

        [Fact]
        public void DropsAcknowledgedAndResendsTheRestInOrderAfterAResumedWelcome()
        {
            var engine = new ScriptedEngine();
            using (var client = NewClient(engine))
            {
                client.Start();
                Wait.Until(() => client.State == ConnectionState.Connected, "welcome");
                for (int i = 0; i < 100; i++) client.Send(Tick(i));
                Wait.Until(() => engine.Latest.SentSeqs().Count == 100, "100 sent");
                engine.Latest.Push(Ack(40));
                Wait.Until(() => client.Buffer.AckedSeq == 40, "ack 40");
                Assert.Equal(60, client.Buffer.Count);

                // The engine had stored up to 60 when the link dropped.
                engine.OnHello = h => ScriptedEngine.Welcome("s1", true, 60);
                var first = engine.Latest;
                first.Drop();
                for (int i = 100; i < 110; i++) client.Send(Tick(i)); // produced while reconnecting
                Wait.Until(() => engine.Connections.Count == 2 && engine.Latest.SentSeqs().Count == 50, "resend of 61..110");

                var hello = engine.Latest.Hello;
                Assert.Equal("s1", hello.GetString("session_id"));
                Assert.Equal(Enumerable.Range(61, 50).Select(i => (long)i), engine.Latest.SentSeqs());
                Assert.Equal(60, client.Buffer.AckedSeq);
            }
        }

        [Fact]
        public void RenumbersUnacknowledgedMessagesFromOneWhenTheEngineStartsANewSession()
        {
            var engine = new ScriptedEngine();
            using (var client = NewClient(engine))
            {
                client.Start();
                Wait.Until(() => client.State == ConnectionState.Connected, "welcome");
                for (int i = 0; i < 30; i++) client.Send(Tick(i));
                Wait.Until(() => engine.Latest.SentSeqs().Count == 30, "30 sent");
                engine.Latest.Push(Ack(10));
                engine.Latest.Push(Order(1, "o1"));
                engine.Latest.Push(Order(2, "o2"));
                Wait.Until(() => client.Buffer.AckedSeq == 10 && client.LastEngineSeq == 2, "ack and orders");

                engine.OnHello = h => ScriptedEngine.Welcome("s2", false, 0); // engine restarted
                engine.Latest.Drop();
                Wait.Until(() => engine.Connections.Count == 2 && engine.Latest.SentSeqs().Count == 20, "renumbered resend");

                Assert.Equal(2, engine.Latest.Hello.GetLong("last_seq"));
                Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), engine.Latest.SentSeqs());
                // Same content, in the original order: the ticks that were 11..30.
                var ts = engine.Latest.SentMessages.Where(m => m.GetString("type") == "tick").Select(m => m.GetLong("ts") - 1764115200000000).ToList();
                Assert.Equal(Enumerable.Range(10, 20).Select(i => (long)i), ts);
                Assert.Equal("s2", client.SessionId);
                Assert.Equal(0, client.LastEngineSeq);
                Assert.Equal(21, client.Send(Tick(99)));
            }
        }

        [Fact]
        public void EngineCommandsArriveOnceInOrderAcrossAReconnectAndHelloCarriesTheLastSeq()
        {
            var engine = new ScriptedEngine();
            var seen = new ConcurrentQueue<string>();
            using (var client = NewClient(engine))
            {
                client.MessageReceived += m => seen.Enqueue(((OrderCommand)m).Order.ClientOrderId);
                client.Start();
                Wait.Until(() => client.State == ConnectionState.Connected, "welcome");
                engine.Latest.Push("[" + Order(1, "o1") + "," + Order(2, "o2") + "]");
                engine.Latest.Push(Order(3, "o3"));
                engine.Latest.Push(Order(2, "o2")); // duplicate on the same connection
                Wait.Until(() => client.LastEngineSeq == 3, "3 orders");

                engine.OnHello = h => ScriptedEngine.Welcome("s1", true, 0);
                engine.Latest.Drop();
                Wait.Until(() => engine.Connections.Count == 2 && client.State == ConnectionState.Connected, "reconnect");
                Assert.Equal(3, engine.Latest.Hello.GetLong("last_seq"));
                // The engine resends from its window (it had not seen our ack): 2 and 3 are duplicates.
                engine.Latest.Push("[" + Order(2, "o2") + "," + Order(3, "o3") + "," + Order(4, "o4") + "]");
                Wait.Until(() => client.LastEngineSeq == 4, "order 4");

                Assert.Equal(new[] { "o1", "o2", "o3", "o4" }, seen.ToArray());
                Assert.Equal(3, client.Statistics.DuplicatesDropped);
                Wait.Until(() => engine.Latest.SentMessages.Any(m => m.GetString("type") == "ack" && m.GetLong("last_seq") == 4), "ack 4 within the ack interval");
            }
        }

        [Fact]
        public void HandlesMessagesThatShareTheWelcomeFrame()
        {
            var engine = new ScriptedEngine();
            engine.OnHello = h => "[" + ScriptedEngine.Welcome("s9", false, 0) + ",{\"type\":\"snapshot_request\",\"seq\":1,\"ts\":1,\"request_id\":\"r1\",\"reason\":\"new session\"}," + Order(2, "o2") + "]";
            var seqs = new ConcurrentQueue<long>();
            using (var client = NewClient(engine))
            {
                client.MessageReceived += m => seqs.Enqueue(m.Seq);
                client.Start();
                Wait.Until(() => client.LastEngineSeq == 2, "both messages after the welcome");
                Assert.Equal(new long[] { 1, 2 }, seqs.ToArray());
                Assert.Equal(0, client.Statistics.Gaps);
            }
        }

        [Fact]
        public void AcceptsASeqGapAndCountsIt()
        {
            var engine = new ScriptedEngine();
            var seqs = new ConcurrentQueue<long>();
            using (var client = NewClient(engine))
            {
                client.MessageReceived += m => seqs.Enqueue(m.Seq);
                client.Start();
                Wait.Until(() => client.State == ConnectionState.Connected, "welcome");
                engine.Latest.Push(Order(1, "a"));
                engine.Latest.Push(Order(5, "b"));
                Wait.Until(() => client.LastEngineSeq == 5, "seq 5");
                Assert.Equal(new long[] { 1, 5 }, seqs.ToArray());
                Assert.Equal(1, client.Statistics.Gaps);
            }
        }

        [Fact]
        public void SkipsUndecodableMessagesAndReportsEngineErrors()
        {
            var engine = new ScriptedEngine();
            var errors = new ConcurrentQueue<ErrorMessage>();
            using (var client = NewClient(engine))
            {
                client.EngineError += errors.Enqueue;
                client.Start();
                Wait.Until(() => client.State == ConnectionState.Connected, "welcome");
                engine.Latest.Push("not json");
                engine.Latest.Push("[{\"type\":\"order\",\"seq\":1,\"ts\":1}," + Order(2, "ok") + "]");
                engine.Latest.Push("{\"type\":\"error\",\"seq\":0,\"ts\":1,\"code\":\"GATEWAY_SCHEMA_VIOLATION\",\"message\":\"tick.price: expected number\",\"ref_seq\":7}");
                Wait.Until(() => errors.Count == 1 && client.LastEngineSeq == 2, "error and order 2");
                Assert.Equal(2, client.Statistics.DecodeErrors);
                Assert.Equal(7, errors.Single().RefSeq);
                Assert.Equal(ConnectionState.Connected, client.State);
            }
        }

        [Fact]
        public void ReconnectsWhenTheEngineFallsSilentForThreeHeartbeatsAndPingsMeanwhile()
        {
            var engine = new ScriptedEngine();
            engine.OnHello = h => ScriptedEngine.Welcome("s1", true, 0, 100);
            using (var client = NewClient(engine))
            {
                client.Start();
                Wait.Until(() => engine.Connections.Count >= 2, "a reconnect after silence", 5000);
                var pings = engine.Connections[0].SentMessages.Where(m => m.GetString("type") == "ping").ToList();
                Assert.NotEmpty(pings);
                Assert.Equal(0, pings[0].GetLong("seq"));
            }
        }

        [Fact]
        public void MeasuresRoundTripFromPong()
        {
            var engine = new ScriptedEngine();
            engine.OnHello = h => ScriptedEngine.Welcome("s1", false, 0, 50);
            using (var client = NewClient(engine))
            {
                client.Start();
                Wait.Until(() => engine.Latest != null && engine.Latest.SentMessages.Any(m => m.GetString("type") == "ping"), "a ping");
                var ping = engine.Latest.SentMessages.First(m => m.GetString("type") == "ping");
                engine.Latest.Push("{\"type\":\"pong\",\"seq\":0,\"ts\":1,\"id\":\"" + ping.GetString("id") + "\",\"ping_ts\":" + ping.GetLong("ts") + "}");
                Wait.Until(() => client.Statistics.RoundTripMicros >= 0, "round trip");
            }
        }

        [Fact]
        public void StopsForGoodOnUnsupportedProtocolOrSessionReplaced()
        {
            foreach (var code in new[] { 4001, 4002 })
            {
                var engine = new ScriptedEngine();
                using (var client = NewClient(engine))
                {
                    client.Start();
                    Wait.Until(() => client.State == ConnectionState.Connected, "welcome");
                    engine.Latest.CloseFromEngine(code, "bye");
                    Wait.Until(() => client.State == ConnectionState.Failed, "failed state");
                    Thread.Sleep(100);
                    Assert.Single(engine.Connections);
                }
            }
        }

        [Fact]
        public void ReconnectsAfterShuttingDownClose()
        {
            var engine = new ScriptedEngine();
            using (var client = NewClient(engine))
            {
                client.Start();
                Wait.Until(() => client.State == ConnectionState.Connected, "welcome");
                engine.Latest.CloseFromEngine(1001, "GATEWAY_SHUTTING_DOWN");
                Wait.Until(() => engine.Connections.Count == 2 && client.State == ConnectionState.Connected, "reconnected");
            }
        }

        [Fact]
        public async System.Threading.Tasks.Task StopDrainsThenClosesCleanlyAndStartStopAreIdempotent()
        {
            var engine = new ScriptedEngine();
            var client = NewClient(engine);
            client.Start();
            client.Start();
            Wait.Until(() => client.State == ConnectionState.Connected, "welcome");
            Assert.Single(engine.Connections);
            for (int i = 0; i < 5; i++) client.Send(Tick(i));
            Wait.Until(() => engine.Latest.SentSeqs().Count == 5, "5 sent");
            var t = new Thread(() => { Thread.Sleep(100); engine.Latest.Push(Ack(5)); });
            t.Start();
            await client.StopAsync(TimeSpan.FromSeconds(5));
            t.Join();
            Assert.Equal(0, client.Buffer.Count);
            Assert.True(engine.Latest.ClientClosed);
            Assert.Equal(1000, engine.Latest.CloseStatus);
            Assert.Equal(ConnectionState.Stopped, client.State);
            await client.StopAsync(TimeSpan.Zero);
            client.Start(); // again after a stop: resumes the same session
            Wait.Until(() => engine.Connections.Count == 2 && client.State == ConnectionState.Connected, "restart");
            Assert.Equal("s1", engine.Latest.Hello.GetString("session_id"));
            client.Dispose();
        }

        [Fact]
        public void TrySendRefusesWhenTheBufferIsFullAndSendTimesOut()
        {
            var engine = new ScriptedEngine();
            using (var client = NewClient(engine, o => o.BufferCapacity = 3))
            {
                long seq;
                Assert.True(client.TrySend(Tick(1), out seq));
                Assert.True(client.TrySend(Tick(2), out seq));
                Assert.True(client.TrySend(Tick(3), out seq));
                Assert.False(client.TrySend(Tick(4), out seq));
                Assert.Equal(0, seq);
                Assert.Equal(0, client.Send(Tick(4), TimeSpan.FromMilliseconds(50)));
                Assert.Equal(3, client.Buffer.LastSeq);
                client.Buffer.Acknowledge(3);
                Assert.Throws<ArgumentOutOfRangeException>(() => client.TrySend(new TickMessage { Symbol = "NQ 12-26", Price = double.NaN }, out seq));
                Assert.Equal(3, client.Buffer.LastSeq); // a refused message consumes no seq
            }
        }

        [Fact]
        public void SendBlocksWhileFullAndContinuesOnAck()
        {
            var engine = new ScriptedEngine();
            using (var client = NewClient(engine, o => o.BufferCapacity = 2))
            {
                client.Start();
                Wait.Until(() => client.State == ConnectionState.Connected, "welcome");
                client.Send(Tick(1));
                client.Send(Tick(2));
                long third = 0;
                var t = new Thread(() => third = client.Send(Tick(3), TimeSpan.FromSeconds(10)));
                t.Start();
                Thread.Sleep(50);
                Assert.Equal(0, third);
                engine.Latest.Push(Ack(1));
                t.Join();
                Assert.Equal(3, third);
            }
        }

        [Fact]
        public void RecognisesAnHttp401()
        {
            Assert.True(EnigmaClient.IsAuthFailure(new System.Net.WebSockets.WebSocketException("The server returned status code '401' when status code '101' was expected.")));
            Assert.False(EnigmaClient.IsAuthFailure(new System.Net.WebSockets.WebSocketException("Unable to connect to the remote server")));
        }

        [Fact]
        public void BuildFrameKeepsBatchesUnderTheLimit()
        {
            var batch = Enumerable.Range(1, 10).Select(i => new Transport.SequencedMessage(i, new string('x', 98))).ToList();
            var sb = new System.Text.StringBuilder();
            int n = EnigmaClient.BuildFrame(batch, sb, 505);
            Assert.Equal(5, n);
            Assert.True(sb.Length <= 505);
            Assert.Equal(1, EnigmaClient.BuildFrame(batch, sb, 10)); // one message always goes
        }
    }
}
