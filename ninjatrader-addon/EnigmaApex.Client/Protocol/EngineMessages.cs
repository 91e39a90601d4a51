using System.Collections.Generic;
using EnigmaApex.Client.Json;

namespace EnigmaApex.Client.Protocol
{
    /// <summary>
    /// A message from the engine (docs/protocol.md §4.3–4.4). <see cref="Raw"/> keeps the parsed
    /// object; unknown fields are ignored (the engine may add optional ones within v1).
    /// </summary>
    public abstract class EngineMessage
    {
        /// <summary>The protocol <c>type</c>.</summary>
        public string Type { get; internal set; }
        /// <summary>Engine sequence number; 0 for control messages.</summary>
        public long Seq { get; internal set; }
        /// <summary>Unix epoch microseconds.</summary>
        public long Ts { get; internal set; }
        /// <summary>The parsed JSON object.</summary>
        public JsonValue Raw { get; internal set; }
        /// <summary>True for sequenced messages (commands), which the client acknowledges.</summary>
        public bool IsSequenced { get { return Seq > 0; } }
    }

    /// <summary>A sequenced message of a type this client does not know (still acknowledged).</summary>
    public sealed class UnknownEngineMessage : EngineMessage { }

    /// <summary><c>welcome</c>: the answer to <c>hello</c>.</summary>
    public sealed class WelcomeMessage : EngineMessage
    {
        public int Protocol { get; internal set; }
        public string SessionId { get; internal set; }
        public bool Resumed { get; internal set; }
        /// <summary>Highest client <c>seq</c> handled: drop buffered messages up to it, resend the rest.</summary>
        public long LastSeq { get; internal set; }
        public string ServerName { get; internal set; }
        public string ServerVersion { get; internal set; }
        public int HeartbeatMs { get; internal set; }
        public int MaxPayload { get; internal set; }
    }

    /// <summary><c>ack</c>: every client message up to <see cref="LastSeq"/> has been handled.</summary>
    public sealed class AckMessage : EngineMessage
    {
        public long LastSeq { get; internal set; }
    }

    /// <summary><c>error</c>: a refused message or a protocol problem.</summary>
    public sealed class ErrorMessage : EngineMessage
    {
        public string Code { get; internal set; }
        public string Message { get; internal set; }
        /// <summary>The <c>seq</c> of the offending message, when known.</summary>
        public long? RefSeq { get; internal set; }
        public string RefType { get; internal set; }
    }

    /// <summary><c>pong</c>: answers a <c>ping</c>.</summary>
    public sealed class PongMessage : EngineMessage
    {
        public string Id { get; internal set; }
        public long PingTs { get; internal set; }
    }

    /// <summary>Exit legs of an order (OCO, same quantity).</summary>
    public sealed class Bracket
    {
        public double? StopLoss { get; internal set; }
        public double? TakeProfit { get; internal set; }
    }

    /// <summary>The fields of an order to submit (in <c>order</c> and inside <c>proposal</c>).</summary>
    public sealed class OrderSpec
    {
        /// <summary>Idempotency key: submit at most one NinjaTrader order per id.</summary>
        public string ClientOrderId { get; internal set; }
        public string Account { get; internal set; }
        public string Symbol { get; internal set; }
        public string Side { get; internal set; }
        public long Quantity { get; internal set; }
        public string OrderType { get; internal set; }
        public double? LimitPrice { get; internal set; }
        public double? StopPrice { get; internal set; }
        public string TimeInForce { get; internal set; }
        /// <summary>Null when no exit legs were asked for.</summary>
        public Bracket Bracket { get; internal set; }
        public long? SignalTs { get; internal set; }
        public string Reason { get; internal set; }
    }

    /// <summary><c>order</c>: submit a new order.</summary>
    public sealed class OrderCommand : EngineMessage
    {
        public OrderSpec Order { get; internal set; }
    }

    /// <summary><c>cancel</c>: cancel a working order.</summary>
    public sealed class CancelCommand : EngineMessage
    {
        public string CommandId { get; internal set; }
        public string ClientOrderId { get; internal set; }
        public string Account { get; internal set; }
        public string Reason { get; internal set; }
    }

    /// <summary><c>replace</c>: change a working order; null fields stay as they are.</summary>
    public sealed class ReplaceCommand : EngineMessage
    {
        public string CommandId { get; internal set; }
        public string ClientOrderId { get; internal set; }
        public string Account { get; internal set; }
        public long? Quantity { get; internal set; }
        public double? LimitPrice { get; internal set; }
        public double? StopPrice { get; internal set; }
    }

    /// <summary><c>flatten</c>: close positions and cancel working orders of an account (one symbol, or all when null).</summary>
    public sealed class FlattenCommand : EngineMessage
    {
        public string CommandId { get; internal set; }
        public string Account { get; internal set; }
        public string Symbol { get; internal set; }
        public string Reason { get; internal set; }
    }

    /// <summary><c>state</c>: the account's trading state.</summary>
    public sealed class StateMessage : EngineMessage
    {
        public string Account { get; internal set; }
        /// <summary><c>ACTIVE</c>, <c>REDUCING</c> or <c>HALTED</c>.</summary>
        public string State { get; internal set; }
        public IList<string> Reasons { get; internal set; }
        public double Health { get; internal set; }
    }

    /// <summary><c>proposal</c>: a sized order for a person to confirm.</summary>
    public sealed class ProposalMessage : EngineMessage
    {
        public string ProposalId { get; internal set; }
        public OrderSpec Order { get; internal set; }
        public long ExpiresTs { get; internal set; }
        public string Reason { get; internal set; }
    }

    /// <summary><c>subscribe</c> or <c>unsubscribe</c> (see <see cref="EngineMessage.Type"/>).</summary>
    public sealed class SubscriptionMessage : EngineMessage
    {
        public bool Subscribe { get { return Type == "subscribe"; } }
        public IList<string> Symbols { get; internal set; }
        /// <summary>Subset of <c>tick</c>, <c>quote</c>, <c>bar</c>.</summary>
        public IList<string> Streams { get; internal set; }
        public int? BarPeriodSeconds { get; internal set; }
    }

    /// <summary><c>snapshot_request</c>: answer with a <see cref="SnapshotMessage"/>.</summary>
    public sealed class SnapshotRequestMessage : EngineMessage
    {
        public string RequestId { get; internal set; }
        public string Reason { get; internal set; }
    }
}
