using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using EnigmaApex.Client.Bridge;
using EnigmaApex.Client.Json;
using EnigmaApex.Client.Protocol;
using EnigmaApex.Client.Transport;
using Xunit;
using Xunit.Abstractions;

namespace EnigmaApex.Client.Tests
{
    /// <summary>
    /// The engine trades a NinjaTrader account (broker <c>ninjatrader</c>) through the real C# client
    /// core (issue 11): signal → risk → <c>order</c> → the client's <see cref="CommandDispatcher"/> →
    /// a scripted NinjaTrader → <c>order_update</c>/<c>execution</c> back; the kill switch from
    /// <c>enigma kill</c> and from the AddOn. The engine is
    /// <c>test/integration/fixtures/ninjatrader-engine.ts</c>: the engine <c>enigma run --config</c>
    /// builds from the enigma.yaml <c>test/integration/fixtures/ninjatrader-engine.yaml</c> (APEX-12345
    /// on NinjaTrader, SIM-50K on paper), which also prints the engine's events for the tests to read.
    /// </summary>
    [Trait("Category", "Integration")]
    [Collection("Engine")]
    public class NinjaTraderTradingTests
    {
        private const string Account = "APEX-12345";
        private const string Symbol = "NQ 12-26";
        private readonly ITestOutputHelper _out;

        public NinjaTraderTradingTests(ITestOutputHelper output) { _out = output; }

        [Fact]
        public async System.Threading.Tasks.Task TradesANinjaTraderAccountAppliesAFillOnceAndSendsNoOrderTwiceAcrossASigkill()
        {
            string token = NewToken();
            var engine = TradingEngine.Start(token);
            int port = engine.Port;
            var broker = new ScriptedNinjaTrader(Account, Symbol);
            var orderFrames = new ConcurrentQueue<OrderCommand>();
            var errors = new ConcurrentQueue<ErrorMessage>();
            try
            {
                using (var client = NewClient(engine.StreamUri, token))
                {
                    broker.Client = client;
                    client.EngineError += errors.Enqueue;
                    client.MessageReceived += m => { var o = m as OrderCommand; if (o != null) orderFrames.Enqueue(o); };
                    new CommandDispatcher(client, broker);
                    client.Start();
                    Wait.Until(() => broker.Snapshots >= 1, "the engine's snapshot request after connecting", 20000);
                    // The snapshot is answered asynchronously: signals sent before the engine has reconciled it are
                    // denied as BROKER_DISCONNECTED, by design.
                    Wait.Until(() => engine.Events("alerts").Any(a => a.GetString("code") == "EXECUTION_BROKER_CONNECTED"), "the engine to reconcile the snapshot", 20000);
                    client.Send(broker.Account(50000));
                    long signalSeq = client.Send(Signal(21000, true));
                    Wait.Until(() => broker.Submitted.Count == 1, "the order for the signal", 20000);
                    var order = broker.Submitted.Single();
                    Assert.Equal(Account, order.Account);
                    Assert.Equal("buy", order.Side);
                    Assert.Equal(1, order.Quantity);
                    Assert.NotNull(order.Bracket);
                    Assert.Equal(20990, order.Bracket.StopLoss);
                    Assert.Equal(21020, order.Bracket.TakeProfit);
                    Wait.Until(() => client.Buffer.AckedSeq >= signalSeq, "the engine to store the signal", 20000);

                    // The engine dies between the order and its fill, and comes back on the same data.
                    engine.Kill();
                    Wait.Until(() => client.State != ConnectionState.Connected, "the client to notice", 20000);
                    engine.Dispose();
                    engine = TradingEngine.Start(token, port);
                    Wait.Until(() => broker.Snapshots >= 2, "the restarted engine's snapshot request", 30000);
                    Wait.Until(() => engine.Events("alerts").Any(e => e.GetString("code") == "EXECUTION_BROKER_CONNECTED"), "the restarted engine to reconcile", 20000);
                    Assert.DoesNotContain(engine.Events("alerts"), e => e.GetString("code") == "EXECUTION_RECONCILIATION_MISMATCH");

                    // NinjaTrader fills the order now.
                    string fillId = broker.Fill(order.ClientOrderId, 21000.25);
                    Wait.Until(() => engine.Events("positions").Any(p => p.GetString("account") == Account && p.GetLong("quantity") == 1), "the engine's position", 20000);
                    Wait.Until(() => engine.Events("accounts").Any(a => a.GetString("account") == Account && a.GetDouble("equity") == 50002.5), "the engine's account state", 20000);
                    Assert.Single(engine.Events("fills"), f => f.GetString("fillId") == fillId);

                    // The same fill again, under a new seq: refused, nothing changes.
                    long again = client.Send(new ExecutionMessage { Ts = Clock.NowMicros(), FillId = fillId, ClientOrderId = order.ClientOrderId, Account = Account, Symbol = Symbol, Side = "buy", Quantity = 1, Price = 21000.25, Commission = 2.09 });
                    Wait.Until(() => errors.Any(e => e.Code == "GATEWAY_DUPLICATE_FILL" && e.RefSeq == again), "the refusal of the repeated fill", 20000);
                    Wait.Until(() => client.Buffer.AckedSeq >= again, "the ack", 20000);
                    Assert.Single(engine.Events("fills"), f => f.GetString("fillId") == fillId);
                    Assert.Equal(1, engine.Events("positions").Where(p => p.GetString("account") == Account).Last().GetLong("quantity"));

                    // No order was sent twice: one frame for the id across both engines, one submission.
                    Assert.Single(orderFrames, o => o.Order.ClientOrderId == order.ClientOrderId);
                    Assert.Single(broker.Submitted);
                    Assert.All(errors, e => Assert.Equal("GATEWAY_DUPLICATE_FILL", e.Code));
                    await client.StopAsync(TimeSpan.FromSeconds(5));
                }
                int? exit = engine.Terminate();
                Assert.True(exit.HasValue && exit.Value == 0, "the engine did not stop cleanly\n" + engine.Output());
            }
            catch
            {
                _out.WriteLine(engine.Output());
                throw;
            }
            finally { engine.Dispose(); }
        }

        [Fact]
        public async System.Threading.Tasks.Task EnigmaKillCancelsAndFlattensThroughTheClientAndReportsFlatOnlyAfterItsReports()
        {
            string token = NewToken();
            using (var engine = TradingEngine.Start(token))
            {
                var broker = new ScriptedNinjaTrader(Account, Symbol) { ReportDelay = TimeSpan.FromMilliseconds(500) };
                try
                {
                    using (var client = NewClient(engine.StreamUri, token))
                    {
                        broker.Client = client;
                        new CommandDispatcher(client, broker);
                        client.Start();
                        OpenPositionAndWorkingOrder(client, broker, engine);

                        var kill = RunCli(engine.DataDir, "kill", "--config", TradingEngine.ConfigFile, "--account", Account, "--reason", "test", "--wait", "30");
                        Assert.Equal(0, kill.ExitCode);
                        Assert.Contains(Account + " HALTED", kill.Output);
                        var flatLine = kill.Lines.Single(l => l.Value == Account + " flat (confirmed by NinjaTrader)");
                        Assert.True(broker.FlatReportedAt.HasValue, "the scripted NinjaTrader reported flat");
                        Assert.True(flatLine.Key >= broker.FlatReportedAt.Value, "the CLI printed flat before NinjaTrader's reports");

                        Assert.Single(broker.Cancels);
                        Assert.Single(broker.Flattens);
                        Assert.Equal(Symbol, broker.Flattens.Single().Symbol);
                        Assert.Equal(0, broker.Position);
                        Assert.Empty(broker.Working);
                        Wait.Until(() => engine.Events("riskStates").Any(s => s.GetString("account") == Account && s.GetString("state") == "HALTED"), "the halt", 10000);
                        await client.StopAsync(TimeSpan.FromSeconds(5));
                    }
                }
                catch
                {
                    _out.WriteLine(engine.Output());
                    throw;
                }
            }
        }

        [Fact]
        public async System.Threading.Tasks.Task TheAddOnsKillMessageHaltsTheEngine()
        {
            string token = NewToken();
            using (var engine = TradingEngine.Start(token))
            {
                var broker = new ScriptedNinjaTrader(Account, Symbol) { ReportDelay = TimeSpan.FromMilliseconds(200) };
                try
                {
                    using (var client = NewClient(engine.StreamUri, token))
                    {
                        broker.Client = client;
                        new CommandDispatcher(client, broker);
                        client.Start();
                        OpenPositionAndWorkingOrder(client, broker, engine);

                        Assert.True(client.SendKill(null, "kill button in NinjaTrader") > 0);
                        Wait.Until(() => engine.Events("riskStates").Any(s => s.GetString("account") == Account && s.GetString("state") == "HALTED"), "the engine to halt " + Account, 20000);
                        Wait.Until(() => engine.Events("alerts").Any(a => a.GetString("code") == "EXECUTION_FLAT_CONFIRMED"), "the flat confirmation", 20000);
                        Assert.Single(broker.Flattens);
                        Assert.Single(broker.Cancels);
                        Assert.Equal(0, broker.Position);
                        // The engine's paper account is not the AddOn's to halt.
                        Assert.DoesNotContain(engine.Events("riskStates"), s => s.GetString("account") == "SIM-50K" && s.GetString("state") == "HALTED");
                        string halts = File.ReadAllText(Path.Combine(engine.DataDir, "risk-halts.json"));
                        Assert.Contains("kill button in NinjaTrader", halts);
                        await client.StopAsync(TimeSpan.FromSeconds(5));
                    }
                }
                catch
                {
                    _out.WriteLine(engine.Output());
                    throw;
                }
            }
        }

        /// <summary>A filled long of 1 and a working short order at NinjaTrader, both known to the engine.</summary>
        private static void OpenPositionAndWorkingOrder(EnigmaClient client, ScriptedNinjaTrader broker, TradingEngine engine)
        {
            Wait.Until(() => broker.Snapshots >= 1, "the engine's snapshot request after connecting", 20000);
            // The snapshot is answered asynchronously: signals sent before the engine has reconciled it are
            // denied as BROKER_DISCONNECTED, by design.
            Wait.Until(() => engine.Events("alerts").Any(a => a.GetString("code") == "EXECUTION_BROKER_CONNECTED"), "the engine to reconcile the snapshot", 20000);
            client.Send(broker.Account(50000));
            client.Send(Signal(21000, true));
            Wait.Until(() => broker.Submitted.Count == 1, "the first order", 20000);
            broker.Fill(broker.Submitted.First().ClientOrderId, 21000);
            Wait.Until(() => engine.Events("positions").Any(p => p.GetString("account") == Account && p.GetLong("quantity") == 1), "the engine's position", 20000);
            client.Send(Signal(20990, false));
            Wait.Until(() => broker.Submitted.Count == 2, "the second order", 20000);
        }

        private static SignalMessage Signal(double price, bool isLong)
        {
            return new SignalMessage
            {
                Ts = Clock.NowMicros(), Source = "enigma", Symbol = Symbol, Direction = isLong ? "long" : "short",
                Strength = "strong", Power = 5.5, Confluence = 3, Price = price,
                Stop = isLong ? price - 10 : price + 10, Targets = new List<double> { isLong ? price + 20 : price - 20 },
            };
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
            o.Accounts.Add(Account);
            var client = new EnigmaClient(o);
            client.Log += line => { lock (_out) { try { _out.WriteLine(DateTime.UtcNow.ToString("HH:mm:ss.fff") + " client: " + line); } catch (InvalidOperationException) { } } };
            return client;
        }

        private static string NewToken()
        {
            var bytes = new byte[24];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
            return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        }

        private sealed class CliResult
        {
            public int ExitCode;
            public string Output;
            /// <summary>Standard output lines with the time (Stopwatch ticks of <see cref="Clock"/>-free UTC ms) each arrived.</summary>
            public List<KeyValuePair<long, string>> Lines = new List<KeyValuePair<long, string>>();
        }

        /// <summary>Runs <c>node bin/enigma.js ARGS</c> from the repository root, timing each output line.</summary>
        private static CliResult RunCli(string dataDir, params string[] args)
        {
            var psi = new ProcessStartInfo("node") { WorkingDirectory = EngineProcess.RepoRoot(), RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("bin/enigma.js");
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add("--data-dir");
            psi.ArgumentList.Add(dataDir);
            var result = new CliResult();
            var all = new StringBuilder();
            using (var p = new Process { StartInfo = psi })
            {
                p.OutputDataReceived += (s, e) => { if (e.Data == null) return; lock (all) { result.Lines.Add(new KeyValuePair<long, string>(UnixMillis(), e.Data)); all.AppendLine(e.Data); } };
                p.ErrorDataReceived += (s, e) => { if (e.Data == null) return; lock (all) all.AppendLine("stderr: " + e.Data); };
                p.Start();
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                Assert.True(p.WaitForExit(60000), "enigma " + args[0] + " did not exit");
                p.WaitForExit();
                result.ExitCode = p.ExitCode;
            }
            result.Output = all.ToString();
            return result;
        }

        private static long UnixMillis() { return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(); }

        /// <summary>
        /// Stands where NinjaTrader is: keeps one account's position and working orders, answers
        /// snapshots from them, fills an order when the test says so, and carries out cancel and
        /// flatten after <see cref="ReportDelay"/>, reporting each step as NinjaTrader would.
        /// </summary>
        private sealed class ScriptedNinjaTrader : IBrokerAdapter
        {
            private readonly string _account;
            private readonly string _symbol;
            private readonly object _gate = new object();
            private int _fills;
            public EnigmaClient Client;
            public TimeSpan ReportDelay = TimeSpan.Zero;
            public readonly List<OrderSpec> Submitted = new List<OrderSpec>();
            public readonly Dictionary<string, OrderSpec> Working = new Dictionary<string, OrderSpec>();
            public readonly List<CancelCommand> Cancels = new List<CancelCommand>();
            public readonly List<FlattenCommand> Flattens = new List<FlattenCommand>();
            public long Position;
            public double AveragePrice;
            public double Balance = 50000;
            public int Snapshots;
            /// <summary>When NinjaTrader's reports last said flat (Unix ms).</summary>
            public long? FlatReportedAt;

            public ScriptedNinjaTrader(string account, string symbol) { _account = account; _symbol = symbol; }

            public AccountMessage Account(double balance)
            {
                return new AccountMessage { Ts = Clock.NowMicros(), Account = _account, Currency = "USD", Balance = balance, Equity = balance };
            }

            public void SubmitOrder(OrderSpec order)
            {
                lock (_gate) { Submitted.Add(order); Working[order.ClientOrderId] = order; }
                Client.Send(Update(order, OrderStatuses.Working, 0, null));
            }

            /// <summary>Fills a working order completely; returns the fill id.</summary>
            public string Fill(string id, double price)
            {
                OrderSpec order;
                string fillId;
                lock (_gate)
                {
                    order = Working[id];
                    Working.Remove(id);
                    fillId = "nt-x-" + (++_fills);
                    long signed = order.Side == "buy" ? order.Quantity : -order.Quantity;
                    Position += signed;
                    AveragePrice = Position == 0 ? 0 : price;
                    Balance += 2.5; // what NinjaTrader says the account is worth now (commission and open profit aside)
                }
                Client.Send(Update(order, OrderStatuses.Filled, order.Quantity, price));
                Client.Send(new ExecutionMessage { Ts = Clock.NowMicros(), FillId = fillId, ClientOrderId = id, Account = _account, Symbol = _symbol, Side = order.Side, Quantity = order.Quantity, Price = price, Commission = 2.09 });
                Client.Send(PositionNow());
                Client.Send(new AccountMessage { Ts = Clock.NowMicros(), Account = _account, Currency = "USD", Balance = Balance, Equity = Balance });
                return fillId;
            }

            public void CancelOrder(CancelCommand command)
            {
                lock (_gate) Cancels.Add(command);
                Later(() =>
                {
                    OrderSpec order;
                    lock (_gate)
                    {
                        if (!Working.TryGetValue(command.ClientOrderId, out order)) return;
                        Working.Remove(command.ClientOrderId);
                    }
                    Client.Send(Update(order, OrderStatuses.Cancelled, 0, null));
                    ReportFlatIfFlat();
                });
            }

            public void ReplaceOrder(ReplaceCommand command) { }

            public void Flatten(FlattenCommand command)
            {
                lock (_gate) Flattens.Add(command);
                Later(() =>
                {
                    long closing;
                    List<OrderSpec> cancelled;
                    lock (_gate)
                    {
                        closing = Position;
                        Position = 0;
                        AveragePrice = 0;
                        cancelled = Working.Values.ToList();
                        Working.Clear();
                    }
                    if (closing != 0)
                        Client.Send(new ExecutionMessage { Ts = Clock.NowMicros(), FillId = "nt-x-close-" + command.CommandId, ClientOrderId = "Close position", Account = _account, Symbol = _symbol, Side = closing > 0 ? "sell" : "buy", Quantity = Math.Abs(closing), Price = 21000, Commission = 2.09 });
                    Client.Send(PositionNow());
                    foreach (var order in cancelled) Client.Send(Update(order, OrderStatuses.Cancelled, 0, null));
                    ReportFlatIfFlat();
                });
            }

            public void ShowProposal(ProposalMessage proposal) { }
            public void ChangeSubscription(SubscriptionMessage subscription) { }

            public SnapshotMessage TakeSnapshot()
            {
                Interlocked.Increment(ref Snapshots);
                var s = new SnapshotMessage { Ts = Clock.NowMicros() };
                lock (_gate)
                {
                    s.Accounts.Add(new AccountMessage { Ts = s.Ts, Account = _account, Currency = "USD", Balance = Balance, Equity = Balance });
                    if (Position != 0) s.Positions.Add(PositionNow());
                    foreach (var order in Working.Values) s.Orders.Add(Update(order, OrderStatuses.Working, 0, null));
                }
                return s;
            }

            private void ReportFlatIfFlat()
            {
                lock (_gate) if (Position == 0 && Working.Count == 0 && !FlatReportedAt.HasValue) FlatReportedAt = UnixMillis();
            }

            private PositionMessage PositionNow()
            {
                return new PositionMessage { Ts = Clock.NowMicros(), Account = _account, Symbol = _symbol, Quantity = Position, AveragePrice = AveragePrice };
            }

            private OrderUpdateMessage Update(OrderSpec order, string status, long filled, double? price)
            {
                return new OrderUpdateMessage
                {
                    Ts = Clock.NowMicros(), ClientOrderId = order.ClientOrderId, BrokerOrderId = "nt-" + order.ClientOrderId, Account = _account, Symbol = order.Symbol,
                    Side = order.Side, Quantity = order.Quantity, FilledQuantity = filled, AverageFillPrice = price, OrderType = order.OrderType,
                    LimitPrice = order.LimitPrice, StopPrice = order.StopPrice, TimeInForce = order.TimeInForce, Status = status,
                };
            }

            private void Later(Action action)
            {
                if (ReportDelay <= TimeSpan.Zero) { action(); return; }
                var timer = new Timer(_ => action(), null, ReportDelay, Timeout.InfiniteTimeSpan);
                GC.KeepAlive(timer);
                lock (_gate) _timers.Add(timer);
            }

            private readonly List<Timer> _timers = new List<Timer>();
        }

        /// <summary>
        /// The engine trading APEX-12345 through the gateway, as a child process (see the class
        /// summary), ready when it prints <c>listening http://127.0.0.1:PORT</c>; every
        /// <c>event TOPIC JSON</c> line it prints is kept for the test to read the engine's view.
        /// </summary>
        private sealed class TradingEngine : IDisposable
        {
            private static readonly Regex Listening = new Regex(@"listening http://127\.0\.0\.1:(\d+)");
            private readonly Process _process;
            private readonly List<string> _output = new List<string>();
            private readonly ConcurrentQueue<KeyValuePair<string, JsonValue>> _events = new ConcurrentQueue<KeyValuePair<string, JsonValue>>();
            private readonly ManualResetEventSlim _ready = new ManualResetEventSlim(false);

            /// <summary>The engine's enigma.yaml, relative to the repository root.</summary>
            public const string ConfigFile = "test/integration/fixtures/ninjatrader-engine.yaml";
            public int Port { get; private set; }
            public string DataDir { get; private set; }
            public Uri StreamUri { get { return new Uri("ws://127.0.0.1:" + Port + "/v1/stream"); } }

            private TradingEngine(string token, int port)
            {
                string root = EngineProcess.RepoRoot();
                DataDir = Path.Combine(Path.GetTempPath(), "enigma-nt-test-" + Regex.Replace(token, "[^A-Za-z0-9]", ""));
                var psi = new ProcessStartInfo("node") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { "--import", "tsx", "test/integration/fixtures/ninjatrader-engine.ts",
                    "--config", ConfigFile, "--listen", "127.0.0.1:" + port, "--data-dir", DataDir })
                    psi.ArgumentList.Add(a);
                psi.Environment["ENIGMA_TOKEN"] = token;
                _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
                _process.OutputDataReceived += (s, e) => OnLine("stdout", e.Data);
                _process.ErrorDataReceived += (s, e) => OnLine("stderr", e.Data);
                _process.Start();
                _process.BeginOutputReadLine();
                _process.BeginErrorReadLine();
            }

            public static TradingEngine Start(string token, int port = 0)
            {
                var engine = new TradingEngine(token, port);
                var sw = Stopwatch.StartNew();
                while (!engine._ready.Wait(100))
                {
                    if (engine._process.HasExited) { engine._process.WaitForExit(); Assert.Fail("The engine exited with " + engine._process.ExitCode + " before listening.\n" + engine.Output()); }
                    if (sw.ElapsedMilliseconds > 90000) { engine.Kill(); Assert.Fail("The engine did not listen within 90 s.\n" + engine.Output()); }
                }
                return engine;
            }

            /// <summary>The engine's events of a topic so far (fills, positions, accounts, riskStates, alerts, denials).</summary>
            public List<JsonValue> Events(string topic)
            {
                return _events.Where(e => e.Key == topic).Select(e => e.Value).ToList();
            }

            private void OnLine(string stream, string line)
            {
                if (line == null) return;
                if (stream == "stdout" && line.StartsWith("event ", StringComparison.Ordinal))
                {
                    int space = line.IndexOf(' ', 6);
                    _events.Enqueue(new KeyValuePair<string, JsonValue>(line.Substring(6, space - 6), JsonReader.Parse(line.Substring(space + 1))));
                }
                lock (_output)
                {
                    _output.Add(stream + ": " + line);
                    if (_output.Count > 400) _output.RemoveAt(0);
                }
                if (stream == "stdout" && Port == 0)
                {
                    var m = Listening.Match(line);
                    if (m.Success) { Port = int.Parse(m.Groups[1].Value); _ready.Set(); }
                }
                else if (stream == "stdout" && Listening.IsMatch(line)) _ready.Set();
            }

            public string Output()
            {
                lock (_output) return "--- engine output (last lines) ---\n" + string.Join("\n", _output);
            }

            /// <summary>SIGKILL.</summary>
            public void Kill()
            {
                try { if (!_process.HasExited) _process.Kill(true); _process.WaitForExit(10000); }
                catch (InvalidOperationException) { }
            }

            /// <summary>SIGTERM, then the exit code (null on timeout).</summary>
            public int? Terminate(int timeoutMs = 15000)
            {
                if (_process.HasExited) return _process.ExitCode;
                using (var kill = Process.Start(new ProcessStartInfo("kill", "-TERM " + _process.Id) { UseShellExecute = false })) kill.WaitForExit(5000);
                if (!_process.WaitForExit(timeoutMs)) return null;
                _process.WaitForExit();
                return _process.ExitCode;
            }

            public void Dispose()
            {
                Kill();
                _process.Dispose();
            }
        }
    }
}
