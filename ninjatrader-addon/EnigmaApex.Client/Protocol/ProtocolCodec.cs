using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using EnigmaApex.Client.Json;

namespace EnigmaApex.Client.Protocol
{
    /// <summary>
    /// Encodes client messages and decodes engine frames for protocol v1 (docs/protocol.md).
    /// Every encoded message starts with <c>{"type":"…","seq":N,"ts":…</c> in that order, which
    /// <see cref="ReplaceSeq"/> relies on when a session is renumbered.
    /// </summary>
    public static class ProtocolCodec
    {
        /// <summary>The protocol version this client speaks.</summary>
        public const int Version = 1;

        /// <summary>Encodes a sequenced client message with <paramref name="seq"/>; <c>ts</c> 0 becomes <paramref name="nowMicros"/>.</summary>
        public static string Encode(IClientMessage message, long seq, long nowMicros)
        {
            if (message == null) throw new ArgumentNullException("message");
            if (seq < 1) throw new ArgumentOutOfRangeException("seq", "Sequenced messages are numbered from 1.");
            long ts = message.Ts != 0 ? message.Ts : nowMicros;
            if (ts < 0) throw new ArgumentOutOfRangeException("message", "ts must be >= 0.");
            var w = new JsonWriter();
            w.StartObject().Property("type", message.Type).Property("seq", seq).Property("ts", ts);
            message.WriteBody(w);
            w.EndObject();
            return w.ToString();
        }

        /// <summary>Encodes <c>hello</c>.</summary>
        public static string EncodeHello(long ts, string clientName, string clientVersion, IEnumerable<string> accounts, string sessionId, long lastSeq)
        {
            var w = new JsonWriter();
            w.StartObject().Property("type", "hello").Property("seq", 0L).Property("ts", ts)
             .Property("protocol", Version)
             .Name("client").StartObject().Property("name", clientName).Property("version", clientVersion).EndObject()
             .Name("accounts").StartArray();
            if (accounts != null) foreach (var a in accounts) w.Value(a);
            w.EndArray().OptionalProperty("session_id", sessionId).Property("last_seq", lastSeq).EndObject();
            return w.ToString();
        }

        /// <summary>Encodes <c>ack</c> of the engine's messages up to <paramref name="lastSeq"/>.</summary>
        public static string EncodeAck(long ts, long lastSeq)
        {
            return new JsonWriter().StartObject().Property("type", "ack").Property("seq", 0L).Property("ts", ts)
                .Property("last_seq", lastSeq).EndObject().ToString();
        }

        /// <summary>Encodes <c>ping</c>.</summary>
        public static string EncodePing(long ts, string id)
        {
            return new JsonWriter().StartObject().Property("type", "ping").Property("seq", 0L).Property("ts", ts)
                .OptionalProperty("id", id).EndObject().ToString();
        }

        /// <summary>
        /// Rewrites the <c>seq</c> of a message this codec encoded (used when the engine starts a new
        /// session and the unacknowledged messages are renumbered from 1).
        /// </summary>
        public static string ReplaceSeq(string json, long newSeq)
        {
            const string marker = "\",\"seq\":";
            int at = json.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0) throw new ArgumentException("Not a message encoded by ProtocolCodec.", "json");
            int start = at + marker.Length;
            int end = start;
            while (end < json.Length && json[end] >= '0' && json[end] <= '9') end++;
            var sb = new StringBuilder(json.Length + 4);
            sb.Append(json, 0, start).Append(newSeq.ToString(CultureInfo.InvariantCulture)).Append(json, end, json.Length - end);
            return sb.ToString();
        }

        /// <summary>
        /// Decodes one text frame: a message object, or an array of them (a batch). Throws
        /// <see cref="JsonException"/> when the frame is not valid JSON or a message is malformed.
        /// </summary>
        public static List<EngineMessage> DecodeFrame(string frame)
        {
            var root = JsonReader.Parse(frame);
            var list = new List<EngineMessage>();
            if (root.Kind == JsonKind.Array)
            {
                if (root.Count == 0) throw new JsonException("Empty batch.");
                foreach (var item in root.Items) list.Add(Decode(item));
            }
            else list.Add(Decode(root));
            return list;
        }

        /// <summary>Decodes one message object.</summary>
        public static EngineMessage Decode(JsonValue o)
        {
            if (o.Kind != JsonKind.Object) throw new JsonException("A message must be a JSON object.");
            string type = o.GetString("type");
            EngineMessage m;
            switch (type)
            {
                case "welcome":
                    m = new WelcomeMessage
                    {
                        Protocol = (int)o.GetLong("protocol"),
                        SessionId = o.GetString("session_id"),
                        Resumed = o.GetBool("resumed"),
                        LastSeq = o.GetLong("last_seq"),
                        ServerName = ServerField(o, "name"),
                        ServerVersion = ServerField(o, "version"),
                        HeartbeatMs = (int)(o.GetLongOrNull("heartbeat_ms") ?? 5000),
                        MaxPayload = (int)(o.GetLongOrNull("max_payload") ?? 262144),
                    };
                    break;
                case "ack":
                    m = new AckMessage { LastSeq = o.GetLong("last_seq") };
                    break;
                case "error":
                    m = new ErrorMessage
                    {
                        Code = o.GetString("code"),
                        Message = o.GetStringOrNull("message"),
                        RefSeq = o.GetLongOrNull("ref_seq"),
                        RefType = o.GetStringOrNull("ref_type"),
                    };
                    break;
                case "pong":
                    m = new PongMessage { Id = o.GetStringOrNull("id"), PingTs = o.GetLongOrNull("ping_ts") ?? 0 };
                    break;
                case "order":
                    m = new OrderCommand { Order = DecodeOrder(o) };
                    break;
                case "cancel":
                    m = new CancelCommand
                    {
                        CommandId = o.GetString("command_id"),
                        ClientOrderId = o.GetString("client_order_id"),
                        Account = o.GetString("account"),
                        Reason = o.GetStringOrNull("reason"),
                    };
                    break;
                case "replace":
                    m = new ReplaceCommand
                    {
                        CommandId = o.GetString("command_id"),
                        ClientOrderId = o.GetString("client_order_id"),
                        Account = o.GetString("account"),
                        Quantity = o.GetLongOrNull("quantity"),
                        LimitPrice = o.GetDoubleOrNull("limit_price"),
                        StopPrice = o.GetDoubleOrNull("stop_price"),
                    };
                    break;
                case "flatten":
                    m = new FlattenCommand
                    {
                        CommandId = o.GetString("command_id"),
                        Account = o.GetString("account"),
                        Symbol = o.GetStringOrNull("symbol"),
                        Reason = o.GetStringOrNull("reason"),
                    };
                    break;
                case "state":
                    m = new StateMessage
                    {
                        Account = o.GetString("account"),
                        State = o.GetString("state"),
                        Reasons = Strings(o, "reasons"),
                        Health = o.GetDoubleOrNull("health") ?? 0,
                    };
                    break;
                case "proposal":
                    m = new ProposalMessage
                    {
                        ProposalId = o.GetString("proposal_id"),
                        Order = DecodeOrder(ObjectField(o, "order")),
                        ExpiresTs = o.GetLong("expires_ts"),
                        Reason = o.GetStringOrNull("reason"),
                    };
                    break;
                case "subscribe":
                case "unsubscribe":
                    var bps = o.GetLongOrNull("bar_period_seconds");
                    m = new SubscriptionMessage
                    {
                        Symbols = Strings(o, "symbols"),
                        Streams = Strings(o, "streams"),
                        BarPeriodSeconds = bps.HasValue ? (int?)(int)bps.Value : null,
                    };
                    break;
                case "snapshot_request":
                    m = new SnapshotRequestMessage { RequestId = o.GetString("request_id"), Reason = o.GetStringOrNull("reason") };
                    break;
                default:
                    m = new UnknownEngineMessage();
                    break;
            }
            m.Type = type;
            m.Seq = o.GetLong("seq");
            m.Ts = o.GetLong("ts");
            m.Raw = o;
            if (m.Seq < 0) throw new JsonException("seq must be >= 0.");
            return m;
        }

        private static OrderSpec DecodeOrder(JsonValue o)
        {
            var spec = new OrderSpec
            {
                ClientOrderId = o.GetString("client_order_id"),
                Account = o.GetString("account"),
                Symbol = o.GetString("symbol"),
                Side = o.GetString("side"),
                Quantity = o.GetLong("quantity"),
                OrderType = o.GetString("order_type"),
                LimitPrice = o.GetDoubleOrNull("limit_price"),
                StopPrice = o.GetDoubleOrNull("stop_price"),
                TimeInForce = o.GetStringOrNull("time_in_force") ?? "day",
                SignalTs = o.GetLongOrNull("signal_ts"),
                Reason = o.GetStringOrNull("reason"),
            };
            var b = o.Get("bracket");
            if (b != null && !b.IsNull)
            {
                if (b.Kind != JsonKind.Object) throw new JsonException("Field 'bracket' must be an object.");
                spec.Bracket = new Bracket { StopLoss = b.GetDoubleOrNull("stop_loss"), TakeProfit = b.GetDoubleOrNull("take_profit") };
            }
            return spec;
        }

        private static JsonValue ObjectField(JsonValue o, string name)
        {
            var v = o.Required(name);
            if (v.Kind != JsonKind.Object) throw new JsonException("Field '" + name + "' must be an object.");
            return v;
        }

        private static string ServerField(JsonValue o, string name)
        {
            var s = o.Get("server");
            return s != null && s.Kind == JsonKind.Object ? s.GetStringOrNull(name) : null;
        }

        private static IList<string> Strings(JsonValue o, string name)
        {
            var list = new List<string>();
            foreach (var v in o.GetArrayOrEmpty(name)) list.Add(v.AsString());
            return list;
        }
    }
}
