using System;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using EnigmaApex.Client.Json;
using EnigmaApex.Client.Transport;

namespace EnigmaApex.Client.Tests
{
    /// <summary>
    /// The far side of the socket for unit tests of the client's loops: it stands where the
    /// ClientWebSocket would be, records every frame the client sends (and whether two sends ever
    /// overlapped), and lets the test answer as the engine would. The real engine is exercised by
    /// <see cref="EngineIntegrationTests"/>.
    /// </summary>
    internal sealed class ScriptedEngine
    {
        public readonly List<ScriptedTransport> Connections = new List<ScriptedTransport>();
        /// <summary>Builds the welcome for a hello; by default a new session "s1".</summary>
        public Func<JsonValue, string> OnHello = hello => Welcome("s1", false, 0);
        public int SendDelayMs;
        public int MaxInFlight;
        private int _inFlight;

        public static string Welcome(string session, bool resumed, long lastSeq, int heartbeatMs = 5000, int maxPayload = 262144)
        {
            return "{\"type\":\"welcome\",\"seq\":0,\"ts\":1,\"protocol\":1,\"session_id\":\"" + session + "\",\"resumed\":" + (resumed ? "true" : "false")
                + ",\"last_seq\":" + lastSeq + ",\"server\":{\"name\":\"scripted\",\"version\":\"0\"},\"heartbeat_ms\":" + heartbeatMs + ",\"max_payload\":" + maxPayload + "}";
        }

        public ScriptedTransport Latest
        {
            get { lock (Connections) return Connections.Count == 0 ? null : Connections[Connections.Count - 1]; }
        }

        public IWebSocketTransport Create()
        {
            var t = new ScriptedTransport(this);
            lock (Connections) Connections.Add(t);
            return t;
        }

        internal void Enter()
        {
            int n = Interlocked.Increment(ref _inFlight);
            int seen;
            while ((seen = Volatile.Read(ref MaxInFlight)) < n) Interlocked.CompareExchange(ref MaxInFlight, n, seen);
        }

        internal void Leave() { Interlocked.Decrement(ref _inFlight); }
    }

    internal sealed class ScriptedTransport : IWebSocketTransport
    {
        private readonly ScriptedEngine _engine;
        private readonly Channel<string> _inbound = Channel.CreateUnbounded<string>();
        private readonly List<string> _sent = new List<string>();
        private volatile bool _aborted;

        public ScriptedTransport(ScriptedEngine engine) { _engine = engine; }

        public int? CloseStatus { get; private set; }
        public string CloseDescription { get; private set; }
        public bool ClientClosed { get; private set; }
        public JsonValue Hello { get; private set; }

        /// <summary>Every frame the client sent, in order.</summary>
        public List<string> Sent { get { lock (_sent) return new List<string>(_sent); } }

        /// <summary>Every message the client sent (batches flattened), in order.</summary>
        public List<JsonValue> SentMessages
        {
            get
            {
                var list = new List<JsonValue>();
                foreach (var f in Sent)
                {
                    var v = JsonReader.Parse(f);
                    if (v.Kind == JsonKind.Array) list.AddRange(v.Items); else list.Add(v);
                }
                return list;
            }
        }

        public List<long> SentSeqs(string type = null)
        {
            var seqs = new List<long>();
            foreach (var m in SentMessages)
                if (m.GetLong("seq") > 0 && (type == null || m.GetString("type") == type)) seqs.Add(m.GetLong("seq"));
            return seqs;
        }

        public Task ConnectAsync(Uri uri, string token, CancellationToken cancellation) { return Task.CompletedTask; }

        public async Task SendTextAsync(ArraySegment<byte> utf8, CancellationToken cancellation)
        {
            _engine.Enter();
            try
            {
                if (_aborted) throw new WebSocketException("aborted");
                string text = System.Text.Encoding.UTF8.GetString(utf8.Array, utf8.Offset, utf8.Count);
                if (_engine.SendDelayMs > 0) await Task.Delay(_engine.SendDelayMs, cancellation);
                else await Task.Yield();
                lock (_sent) _sent.Add(text);
                if (Hello == null)
                {
                    Hello = JsonReader.Parse(text);
                    _inbound.Writer.TryWrite(_engine.OnHello(Hello));
                }
            }
            finally { _engine.Leave(); }
        }

        public async Task<string> ReceiveTextAsync(CancellationToken cancellation)
        {
            try
            {
                return await _inbound.Reader.ReadAsync(cancellation);
            }
            catch (ChannelClosedException)
            {
                if (_aborted) throw new WebSocketException("aborted");
                return null;
            }
        }

        public Task CloseOutputAsync(int code, string reason, CancellationToken cancellation)
        {
            ClientClosed = true;
            CloseStatus = code;
            _inbound.Writer.TryComplete();
            return Task.CompletedTask;
        }

        /// <summary>The engine sends a frame.</summary>
        public void Push(string frame) { _inbound.Writer.TryWrite(frame); }

        /// <summary>The engine closes with a code.</summary>
        public void CloseFromEngine(int code, string reason)
        {
            CloseStatus = code;
            CloseDescription = reason;
            _inbound.Writer.TryComplete();
        }

        /// <summary>The connection drops (engine killed).</summary>
        public void Drop() { Abort(); }

        public void Abort()
        {
            _aborted = true;
            _inbound.Writer.TryComplete();
        }

        public void Dispose() { }
    }

    internal static class Wait
    {
        public static void Until(Func<bool> condition, string what, int timeoutMs = 10000)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            while (!condition())
            {
                if (sw.ElapsedMilliseconds > timeoutMs) throw new TimeoutException("Timed out waiting for " + what);
                Thread.Sleep(5);
            }
        }
    }
}
