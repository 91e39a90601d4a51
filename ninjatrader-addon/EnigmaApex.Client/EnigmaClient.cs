using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using EnigmaApex.Client.Json;
using EnigmaApex.Client.Protocol;
using EnigmaApex.Client.Transport;

namespace EnigmaApex.Client
{
    /// <summary>Where an <see cref="EnigmaClient"/> is in its life.</summary>
    public enum ConnectionState
    {
        /// <summary>Not started, or stopped.</summary>
        Stopped,
        /// <summary>Opening a connection and waiting for <c>welcome</c>.</summary>
        Connecting,
        /// <summary>Welcomed: streaming both ways.</summary>
        Connected,
        /// <summary>Waiting (backoff) before the next attempt.</summary>
        Reconnecting,
        /// <summary>Draining and closing.</summary>
        Stopping,
        /// <summary>The engine refused this client for good (unsupported protocol, session taken over); not reconnecting.</summary>
        Failed,
    }

    /// <summary>
    /// The engine link of the NinjaTrader AddOn: protocol v1 over one WebSocket at a time.
    /// <list type="bullet">
    /// <item>Producers (any thread) call <c>Send</c>/<c>TrySend</c>: the message gets
    /// the next <c>seq</c>, is encoded and appended to the <see cref="UnackedBuffer"/>.</item>
    /// <item>One send loop per connection is the only caller of the socket's send: it writes
    /// acks, pings, and the buffer from its cursor, grouping what is waiting into batch frames
    /// under <c>max_payload</c>. So there are never two sends in flight.</item>
    /// <item>One receive loop reads whole messages (until EndOfMessage), drops duplicate engine
    /// messages by <c>seq</c>, applies acks, and raises <see cref="MessageReceived"/> for commands
    /// on its own thread; a command counts as acted on when the handler returns.</item>
    /// <item>A watchdog reconnects when the engine sent nothing for 3 × heartbeat.</item>
    /// <item>Reconnects use <see cref="Backoff"/>; after <c>welcome</c> the unacknowledged messages
    /// are resent in order with their seq (renumbered from 1 when the engine started a new session).</item>
    /// </list>
    /// <see cref="Start"/> and <see cref="StopAsync"/> are idempotent (NinjaTrader reruns AddOn
    /// lifecycles on every compile).
    /// </summary>
    public sealed class EnigmaClient : IDisposable
    {
        /// <summary>Version of this client, sent in <c>hello.client.version</c> (NinjaTrader compiles the sources into its own assembly, so it is a constant).</summary>
        public const string Version = "0.1.0";

        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);

        private readonly EnigmaClientOptions _options;
        private readonly UnackedBuffer _buffer;
        private readonly Backoff _backoff;
        private readonly ClientStatistics _stats = new ClientStatistics();
        private readonly object _lifecycle = new object();
        private readonly SemaphoreSlim _wake = new SemaphoreSlim(0);
        private readonly ManualResetEventSlim _space = new ManualResetEventSlim(true);
        private int _wakeFlag;

        private CancellationTokenSource _shutdown;   // stop requested: no more reconnects, close gracefully
        private CancellationTokenSource _abort;      // hard stop: cancel all I/O
        private Task _supervisor;
        private volatile ConnectionState _state = ConnectionState.Stopped;

        private string _sessionId;
        private long _engineLastSeq;     // highest engine seq handled (receive loop writes)
        private int _handledSinceAck;
        private volatile Connection _current;

        /// <summary>Creates a client; nothing happens until <see cref="Start"/>.</summary>
        public EnigmaClient(EnigmaClientOptions options)
        {
            if (options == null) throw new ArgumentNullException("options");
            _options = options;
            _buffer = new UnackedBuffer(options.BufferCapacity);
            _backoff = new Backoff(options.InitialBackoff, options.MaxBackoff, options.BackoffJitter, options.Random);
        }

        /// <summary>Sequenced engine messages (commands), in order, without duplicates; raised on the receive loop's thread.</summary>
        public event Action<EngineMessage> MessageReceived;

        /// <summary><c>error</c> messages from the engine.</summary>
        public event Action<ErrorMessage> EngineError;

        /// <summary>Each <c>welcome</c> (new or resumed session).</summary>
        public event Action<WelcomeMessage> Welcomed;

        /// <summary>Connection state changes, with a human-readable detail.</summary>
        public event Action<ConnectionState, string> StateChanged;

        /// <summary>Diagnostic lines (connection attempts, errors, gaps).</summary>
        public event Action<string> Log;

        /// <summary>The settings.</summary>
        public EnigmaClientOptions Options { get { return _options; } }

        /// <summary>Current state.</summary>
        public ConnectionState State { get { return _state; } }

        /// <summary>The engine session id from the last <c>welcome</c>, or null.</summary>
        public string SessionId { get { return _sessionId; } }

        /// <summary>Highest engine <c>seq</c> received and handled.</summary>
        public long LastEngineSeq { get { return Interlocked.Read(ref _engineLastSeq); } }

        /// <summary>The outbound buffer (count, last seq, acked seq).</summary>
        public UnackedBuffer Buffer { get { return _buffer; } }

        /// <summary>Counters.</summary>
        public ClientStatistics Statistics { get { return _stats; } }

        /// <summary>Starts connecting in the background; calling it again while running does nothing.</summary>
        public void Start()
        {
            lock (_lifecycle)
            {
                if (_supervisor != null && !_supervisor.IsCompleted) return;
                if (_options.Endpoint == null) throw new InvalidOperationException("EnigmaClientOptions.Endpoint is not set.");
                _shutdown = new CancellationTokenSource();
                _abort = new CancellationTokenSource();
                var shutdown = _shutdown.Token;
                var abort = _abort.Token;
                _supervisor = Task.Run(() => SuperviseAsync(shutdown, abort));
            }
        }

        /// <summary>
        /// Stops: waits up to <paramref name="drain"/> for the engine to acknowledge what was sent,
        /// closes the socket with a close handshake, and ends the loops. Unacknowledged messages
        /// stay in the buffer (a later <see cref="Start"/> resends them). Idempotent.
        /// </summary>
        public async Task StopAsync(TimeSpan drain)
        {
            Task supervisor;
            CancellationTokenSource shutdown, abort;
            lock (_lifecycle)
            {
                supervisor = _supervisor;
                shutdown = _shutdown;
                abort = _abort;
            }
            if (supervisor == null) return;
            if (!supervisor.IsCompleted)
            {
                SetState(ConnectionState.Stopping, "draining");
                var sw = Stopwatch.StartNew();
                while (_buffer.Count > 0 && sw.Elapsed < drain && !supervisor.IsCompleted)
                    await Task.Delay(10).ConfigureAwait(false);
                shutdown.Cancel();
                Wake();
                var done = await Task.WhenAny(supervisor, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
                if (done != supervisor)
                {
                    abort.Cancel();
                    var c = _current;
                    if (c != null) c.Transport.Abort();
                    await Task.WhenAny(supervisor, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
                }
            }
            lock (_lifecycle)
            {
                if (_supervisor == supervisor) _supervisor = null;
            }
            SetState(ConnectionState.Stopped, "stopped");
        }

        /// <summary>Stops without draining (blocks at most a few seconds).</summary>
        public void Dispose()
        {
            try { StopAsync(TimeSpan.Zero).Wait(TimeSpan.FromSeconds(15)); }
            catch (AggregateException) { }
        }

        /// <summary>
        /// Queues a message for the engine without blocking. Returns false (and assigns nothing)
        /// when the unacknowledged buffer is full. Throws <see cref="ArgumentException"/> for a
        /// message that cannot be encoded (NaN, a missing required field).
        /// </summary>
        public bool TrySend(IClientMessage message, out long seq)
        {
            if (message == null) throw new ArgumentNullException("message");
            long now = Clock.NowMicros();
            seq = _buffer.Append(s => ProtocolCodec.Encode(message, s, now));
            if (seq == 0) return false;
            Wake();
            return true;
        }

        /// <summary>
        /// Queues a message for the engine, waiting while the unacknowledged buffer is full (the
        /// protocol's rule: stop reading market data rather than drop it). Returns its seq, or 0
        /// when <paramref name="timeout"/> passed first.
        /// </summary>
        public long Send(IClientMessage message, TimeSpan timeout)
        {
            var sw = Stopwatch.StartNew();
            while (true)
            {
                long seq;
                if (TrySend(message, out seq)) return seq;
                _space.Reset();
                if (!_buffer.IsFull) continue;
                var left = timeout - sw.Elapsed;
                if (left <= TimeSpan.Zero) return 0;
                _space.Wait(left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
            }
        }

        /// <summary>
        /// Sends the sequenced <c>kill</c> message: the engine halts <paramref name="account"/> (null:
        /// every account declared in <c>hello</c>). Never blocks (safe on the UI thread); returns its
        /// seq, or 0 when the outbound buffer is full.
        /// </summary>
        public long SendKill(string account, string reason)
        {
            long seq;
            return TrySend(new KillMessage { Ts = Clock.NowMicros(), Account = account, Reason = reason }, out seq) ? seq : 0;
        }

        /// <summary>Queues a message, waiting as long as it takes for room in the buffer.</summary>
        public long Send(IClientMessage message)
        {
            return Send(message, TimeSpan.MaxValue);
        }

        private void Wake()
        {
            if (Interlocked.Exchange(ref _wakeFlag, 1) == 0) _wake.Release();
        }

        private void SetState(ConnectionState state, string detail)
        {
            _state = state;
            var h = StateChanged;
            if (h != null)
            {
                try { h(state, detail); } catch (Exception e) { Write("StateChanged handler failed: " + e.Message); }
            }
        }

        private void Write(string line)
        {
            var h = Log;
            if (h != null)
            {
                try { h(line); } catch (Exception) { }
            }
        }

        // ---- supervisor ------------------------------------------------------------------------

        private enum Outcome { Reconnect, AuthFailed, Fatal, Stopped }

        private async Task SuperviseAsync(CancellationToken shutdown, CancellationToken abort)
        {
            while (!shutdown.IsCancellationRequested)
            {
                Outcome outcome;
                var started = Stopwatch.StartNew();
                bool welcomed = false;
                try
                {
                    var result = await RunConnectionAsync(shutdown, abort).ConfigureAwait(false);
                    outcome = result.Key;
                    welcomed = result.Value;
                }
                catch (Exception e)
                {
                    Write("connection failed: " + e.Message);
                    outcome = Outcome.Reconnect;
                }
                if (outcome == Outcome.Stopped || shutdown.IsCancellationRequested) break;
                if (outcome == Outcome.Fatal)
                {
                    SetState(ConnectionState.Failed, "the engine refused this client; not reconnecting");
                    return;
                }
                if (welcomed && started.Elapsed >= _options.BackoffResetAfter) _backoff.Reset();
                var delay = _backoff.Next();
                if (outcome == Outcome.AuthFailed && delay < _options.AuthFailureRetryDelay) delay = _options.AuthFailureRetryDelay;
                SetState(ConnectionState.Reconnecting, "next attempt in " + (int)delay.TotalMilliseconds + " ms");
                try { await Task.Delay(delay, shutdown).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
        }

        private sealed class Connection
        {
            public readonly IWebSocketTransport Transport;
            public readonly CancellationTokenSource Cts;
            public long Cursor;
            public long LastAckSent;
            public long LastReceiveTicks;
            public int HeartbeatMs;
            public int MaxFrameBytes;
            public byte[] Bytes = new byte[64 * 1024];

            public Connection(IWebSocketTransport transport, CancellationToken abort)
            {
                Transport = transport;
                Cts = CancellationTokenSource.CreateLinkedTokenSource(abort);
            }
        }

        private async Task<KeyValuePair<Outcome, bool>> RunConnectionAsync(CancellationToken shutdown, CancellationToken abort)
        {
            SetState(ConnectionState.Connecting, _options.Endpoint.ToString());
            var transport = _options.TransportFactory();
            var c = new Connection(transport, abort);
            _current = c;
            Task send = null, receive = null, watchdog = null;
            try
            {
                try
                {
                    using (var timeout = new CancellationTokenSource(_options.ConnectTimeout))
                    using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, c.Cts.Token, shutdown))
                        await transport.ConnectAsync(_options.Endpoint, _options.Token, linked.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    if (shutdown.IsCancellationRequested) return Result(Outcome.Stopped, false);
                    if (IsAuthFailure(e))
                    {
                        Write("the engine refused the token (HTTP 401); check ENIGMA_TOKEN");
                        return Result(Outcome.AuthFailed, false);
                    }
                    Write("connect to " + _options.Endpoint + " failed: " + Innermost(e).Message);
                    return Result(Outcome.Reconnect, false);
                }

                // hello first, before any other send: the send loop starts only after welcome.
                string hello = ProtocolCodec.EncodeHello(Clock.NowMicros(), _options.ClientName, _options.ClientVersion,
                    _options.Accounts, _sessionId, Interlocked.Read(ref _engineLastSeq));
                await SendTextAsync(c, hello, c.Cts.Token).ConfigureAwait(false);

                var afterWelcome = new List<EngineMessage>();
                var welcome = await ReceiveWelcomeAsync(c, afterWelcome, shutdown).ConfigureAwait(false);
                if (welcome == null) return Result(CloseOutcome(transport), false);
                AcceptWelcome(c, welcome);
                Interlocked.Increment(ref _stats._connections);
                SetState(ConnectionState.Connected, (welcome.Resumed ? "resumed session " : "new session ") + welcome.SessionId);
                var wh = Welcomed;
                if (wh != null)
                {
                    try { wh(welcome); } catch (Exception e) { Write("Welcomed handler failed: " + e.Message); }
                }

                // Messages that shared the welcome's frame (e.g. a snapshot_request), in order.
                foreach (var m in afterWelcome) Handle(m);
                Wake();
                send = Task.Run(() => SendLoopAsync(c, shutdown));
                receive = Task.Run(() => ReceiveLoopAsync(c));
                watchdog = Task.Run(() => WatchdogAsync(c));
                var first = await Task.WhenAny(send, receive, watchdog).ConfigureAwait(false);
                if (first == send && shutdown.IsCancellationRequested && send.Status == TaskStatus.RanToCompletion)
                {
                    // Close frame sent: give the engine a moment to answer it.
                    await Task.WhenAny(receive, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
                    return Result(Outcome.Stopped, true);
                }
                if (first.IsFaulted) Write("connection lost: " + Innermost(first.Exception).Message);
                if (shutdown.IsCancellationRequested) return Result(Outcome.Stopped, true);
                return Result(CloseOutcome(transport), true);
            }
            finally
            {
                c.Cts.Cancel();
                transport.Abort();
                await WaitQuietly(send).ConfigureAwait(false);
                await WaitQuietly(receive).ConfigureAwait(false);
                await WaitQuietly(watchdog).ConfigureAwait(false);
                transport.Dispose();
                c.Cts.Dispose();
                if (_current == c) _current = null;
            }
        }

        private static KeyValuePair<Outcome, bool> Result(Outcome o, bool welcomed)
        {
            return new KeyValuePair<Outcome, bool>(o, welcomed);
        }

        private Outcome CloseOutcome(IWebSocketTransport transport)
        {
            int? code = transport.CloseStatus;
            if (code.HasValue)
            {
                Write("the engine closed the connection: " + code.Value + " " + transport.CloseDescription);
                if (code.Value == 4001 || code.Value == 4002) return Outcome.Fatal;
            }
            return Outcome.Reconnect;
        }

        private async Task<WelcomeMessage> ReceiveWelcomeAsync(Connection c, List<EngineMessage> rest, CancellationToken shutdown)
        {
            using (var timeout = new CancellationTokenSource(_options.WelcomeTimeout))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, c.Cts.Token, shutdown))
            {
                while (true)
                {
                    string text;
                    try { text = await c.Transport.ReceiveTextAsync(linked.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException)
                    {
                        Write(timeout.IsCancellationRequested ? "no welcome within " + _options.WelcomeTimeout.TotalSeconds + " s" : "cancelled");
                        return null;
                    }
                    if (text == null) return null;
                    List<EngineMessage> messages;
                    try { messages = ProtocolCodec.DecodeFrame(text); }
                    catch (JsonException e)
                    {
                        Write("undecodable frame before welcome: " + e.Message);
                        return null;
                    }
                    for (int i = 0; i < messages.Count; i++)
                    {
                        var m = messages[i];
                        var w = m as WelcomeMessage;
                        if (w != null)
                        {
                            for (int j = i + 1; j < messages.Count; j++) rest.Add(messages[j]);
                            return w;
                        }
                        var err = m as ErrorMessage;
                        if (err != null) RaiseError(err);
                        else Write("unexpected " + m.Type + " before welcome");
                    }
                }
            }
        }

        private void AcceptWelcome(Connection c, WelcomeMessage w)
        {
            if (w.Resumed && w.SessionId == _sessionId)
            {
                _buffer.Acknowledge(w.LastSeq);
            }
            else
            {
                if (_sessionId != null) Write("the engine started a new session; resending " + _buffer.Count + " unacknowledged messages renumbered from 1");
                _buffer.Renumber((json, seq) => ProtocolCodec.ReplaceSeq(json, seq));
                Interlocked.Exchange(ref _engineLastSeq, 0);
                if (w.LastSeq > 0) _buffer.Acknowledge(w.LastSeq);
            }
            _space.Set();
            _sessionId = w.SessionId;
            c.Cursor = _buffer.AckedSeq + 1;
            c.LastAckSent = Interlocked.Read(ref _engineLastSeq);
            Interlocked.Exchange(ref _handledSinceAck, 0);
            c.HeartbeatMs = _options.HeartbeatOverride.HasValue ? (int)_options.HeartbeatOverride.Value.TotalMilliseconds
                : (w.HeartbeatMs > 0 ? w.HeartbeatMs : 5000);
            c.MaxFrameBytes = w.MaxPayload > 0 ? w.MaxPayload : _options.MaxFrameBytes;
            Volatile.Write(ref c.LastReceiveTicks, Stopwatch.GetTimestamp());
        }

        // ---- send loop: the only sender ---------------------------------------------------------

        private async Task SendLoopAsync(Connection c, CancellationToken shutdown)
        {
            var token = c.Cts.Token;
            var batch = new List<SequencedMessage>(_options.MaxBatchMessages);
            var frame = new StringBuilder(64 * 1024);
            long ackIntervalTicks = (long)(_options.AckInterval.TotalSeconds * Stopwatch.Frequency);
            long heartbeatTicks = (long)(c.HeartbeatMs / 1000.0 * Stopwatch.Frequency);
            long lastAck = Stopwatch.GetTimestamp();
            long nextPing = Stopwatch.GetTimestamp() + heartbeatTicks;
            int pingId = 0;
            int waitMs = Math.Max(10, (int)(_options.AckInterval.TotalMilliseconds / 4));

            while (!token.IsCancellationRequested)
            {
                Volatile.Write(ref _wakeFlag, 0);
                if (shutdown.IsCancellationRequested)
                {
                    await SendAckIfNeeded(c, token, true).ConfigureAwait(false);
                    await c.Transport.CloseOutputAsync(1000, "client stopping", token).ConfigureAwait(false);
                    return;
                }
                long now = Stopwatch.GetTimestamp();

                if (Volatile.Read(ref _handledSinceAck) >= _options.AckEvery || now - lastAck >= ackIntervalTicks)
                {
                    if (await SendAckIfNeeded(c, token, false).ConfigureAwait(false)) lastAck = now;
                    else if (now - lastAck >= ackIntervalTicks) lastAck = now;
                }

                if (now >= nextPing)
                {
                    pingId++;
                    await SendTextAsync(c, ProtocolCodec.EncodePing(Clock.NowMicros(), "p-" + pingId), token).ConfigureAwait(false);
                    nextPing = now + heartbeatTicks;
                }

                batch.Clear();
                _buffer.Read(c.Cursor, _options.MaxBatchMessages, batch, now);
                if (batch.Count > 0)
                {
                    int included = BuildFrame(batch, frame, c.MaxFrameBytes);
                    c.Cursor = batch[included - 1].Seq + 1;
                    await SendTextAsync(c, included == 1 ? batch[0].Json : frame.ToString(), token).ConfigureAwait(false);
                    Interlocked.Add(ref _stats._messagesSent, included);
                    continue;
                }

                try { await _wake.WaitAsync(waitMs, token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }

        /// <summary>
        /// Groups messages into one frame, as many as fit in <paramref name="maxBytes"/> (at least
        /// one). Returns how many were included; <paramref name="frame"/> holds the batch array
        /// when more than one.
        /// </summary>
        internal static int BuildFrame(List<SequencedMessage> batch, StringBuilder frame, int maxBytes)
        {
            frame.Clear();
            if (batch.Count == 1) return 1;
            frame.Append('[');
            int bytes = 2;
            int included = 0;
            foreach (var m in batch)
            {
                int n = Utf8.GetByteCount(m.Json);
                if (included > 0 && bytes + n + 1 > maxBytes) break;
                if (included > 0) { frame.Append(','); bytes++; }
                frame.Append(m.Json);
                bytes += n;
                included++;
            }
            frame.Append(']');
            return included;
        }

        private async Task<bool> SendAckIfNeeded(Connection c, CancellationToken token, bool force)
        {
            long handled = Interlocked.Read(ref _engineLastSeq);
            if (handled <= c.LastAckSent) return false;
            Interlocked.Exchange(ref _handledSinceAck, 0);
            await SendTextAsync(c, ProtocolCodec.EncodeAck(Clock.NowMicros(), handled), token).ConfigureAwait(false);
            c.LastAckSent = handled;
            return true;
        }

        private async Task SendTextAsync(Connection c, string text, CancellationToken token)
        {
            int n = Utf8.GetByteCount(text);
            if (c.Bytes.Length < n) c.Bytes = new byte[Math.Max(n, c.Bytes.Length * 2)];
            Utf8.GetBytes(text, 0, text.Length, c.Bytes, 0);
            await c.Transport.SendTextAsync(new ArraySegment<byte>(c.Bytes, 0, n), token).ConfigureAwait(false);
            Interlocked.Increment(ref _stats._framesSent);
        }

        // ---- receive loop ------------------------------------------------------------------------

        private async Task ReceiveLoopAsync(Connection c)
        {
            var token = c.Cts.Token;
            while (!token.IsCancellationRequested)
            {
                string text = await c.Transport.ReceiveTextAsync(token).ConfigureAwait(false);
                if (text == null) return; // the engine closed
                Volatile.Write(ref c.LastReceiveTicks, Stopwatch.GetTimestamp());
                JsonValue root;
                try { root = JsonReader.Parse(text); }
                catch (JsonException e)
                {
                    Interlocked.Increment(ref _stats._decodeErrors);
                    Write("undecodable frame from the engine: " + e.Message);
                    continue;
                }
                if (root.Kind == JsonKind.Array)
                {
                    foreach (var item in root.Items) HandleValue(item);
                }
                else HandleValue(root);
            }
        }

        private void HandleValue(JsonValue value)
        {
            EngineMessage m;
            try { m = ProtocolCodec.Decode(value); }
            catch (JsonException e)
            {
                Interlocked.Increment(ref _stats._decodeErrors);
                Write("undecodable message from the engine: " + e.Message);
                return;
            }
            Handle(m);
        }

        /// <summary>Applies one engine message: acks, pongs, errors, and sequenced commands in order without duplicates.</summary>
        internal void Handle(EngineMessage m)
        {
            Interlocked.Increment(ref _stats._messagesReceived);
            if (!m.IsSequenced)
            {
                var ack = m as AckMessage;
                if (ack != null)
                {
                    long sentTicks;
                    if (_buffer.Acknowledge(ack.LastSeq, out sentTicks) > 0)
                    {
                        _space.Set();
                        if (sentTicks > 0)
                            Interlocked.Exchange(ref _stats._ackLatencyMicros, (Stopwatch.GetTimestamp() - sentTicks) * 1000000 / Stopwatch.Frequency);
                    }
                    return;
                }
                var pong = m as PongMessage;
                if (pong != null)
                {
                    if (pong.PingTs > 0) Interlocked.Exchange(ref _stats._roundTripMicros, Math.Max(0, Clock.NowMicros() - pong.PingTs));
                    return;
                }
                var err = m as ErrorMessage;
                if (err != null) { RaiseError(err); return; }
                if (m is WelcomeMessage) Write("ignored a second welcome");
                return;
            }

            long last = Interlocked.Read(ref _engineLastSeq);
            if (m.Seq <= last)
            {
                Interlocked.Increment(ref _stats._duplicatesDropped);
                return;
            }
            if (m.Seq > last + 1)
            {
                Interlocked.Increment(ref _stats._gaps);
                Write("engine seq jumped from " + last + " to " + m.Seq + " (the engine declared the messages between lost)");
            }
            var h = MessageReceived;
            if (h != null)
            {
                try { h(m); }
                catch (Exception e)
                {
                    Interlocked.Increment(ref _stats._handlerErrors);
                    Write("handler for " + m.Type + " seq " + m.Seq + " failed: " + e.Message);
                }
            }
            Interlocked.Exchange(ref _engineLastSeq, m.Seq);
            if (Interlocked.Increment(ref _handledSinceAck) >= _options.AckEvery) Wake();
        }

        private void RaiseError(ErrorMessage err)
        {
            Interlocked.Increment(ref _stats._engineErrors);
            Write("engine error " + err.Code + (err.RefSeq.HasValue ? " (seq " + err.RefSeq.Value + ")" : "") + ": " + err.Message);
            var h = EngineError;
            if (h != null)
            {
                try { h(err); } catch (Exception e) { Write("EngineError handler failed: " + e.Message); }
            }
        }

        // ---- watchdog ------------------------------------------------------------------------------

        private async Task WatchdogAsync(Connection c)
        {
            var token = c.Cts.Token;
            long limit = (long)(3 * c.HeartbeatMs / 1000.0 * Stopwatch.Frequency);
            int period = Math.Max(50, c.HeartbeatMs / 4);
            while (!token.IsCancellationRequested)
            {
                try { await Task.Delay(period, token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                long silent = Stopwatch.GetTimestamp() - Volatile.Read(ref c.LastReceiveTicks);
                if (silent > limit)
                {
                    Write("no frame from the engine for " + (silent * 1000 / Stopwatch.Frequency) + " ms; reconnecting");
                    c.Transport.Abort();
                    return;
                }
            }
        }

        // ---- helpers -------------------------------------------------------------------------------

        private static async Task WaitQuietly(Task t)
        {
            if (t == null) return;
            try { await t.ConfigureAwait(false); }
            catch (Exception) { }
        }

        private static Exception Innermost(Exception e)
        {
            var agg = e as AggregateException;
            if (agg != null && agg.InnerExceptions.Count == 1) e = agg.InnerExceptions[0];
            while (e.InnerException != null) e = e.InnerException;
            return e;
        }

        internal static bool IsAuthFailure(Exception e)
        {
            for (var x = e; x != null; x = x.InnerException)
            {
                var we = x as WebException;
                if (we != null)
                {
                    var r = we.Response as HttpWebResponse;
                    if (r != null && r.StatusCode == HttpStatusCode.Unauthorized) return true;
                }
                if (x.Message != null && (x.Message.Contains("'401'") || x.Message.Contains("(401)"))) return true;
            }
            return false;
        }
    }
}
