using System;
using System.Collections.Generic;
using EnigmaApex.Client.Json;

namespace EnigmaApex.Client.Protocol
{
    /// <summary>
    /// A sequenced client → engine message (docs/protocol.md §4.2). The client assigns
    /// <c>seq</c>; the message writes its <c>ts</c> and body. Optional fields are omitted when null.
    /// </summary>
    public interface IClientMessage
    {
        /// <summary>The protocol <c>type</c>.</summary>
        string Type { get; }

        /// <summary>Event time, integer Unix epoch microseconds (UTC); 0 means "now" when sent.</summary>
        long Ts { get; }

        /// <summary>Writes every field except <c>type</c>, <c>seq</c> and <c>ts</c> into the open object.</summary>
        void WriteBody(JsonWriter w);
    }

    /// <summary>Protocol string values.</summary>
    public static class Sides
    {
        public const string Buy = "buy";
        public const string Sell = "sell";
        public const string Unknown = "unknown";
    }

    /// <summary>One trade print (<c>tick</c>).</summary>
    public sealed class TickMessage : IClientMessage
    {
        public string Type { get { return "tick"; } }
        public long Ts { get; set; }
        public string Symbol { get; set; }
        public double Price { get; set; }
        public long Size { get; set; }
        public double Bid { get; set; }
        public double Ask { get; set; }
        /// <summary>Aggressor: <c>buy</c>, <c>sell</c> or <c>unknown</c>.</summary>
        public string Side { get; set; }

        public void WriteBody(JsonWriter w)
        {
            w.Property("symbol", Symbol).Property("price", Price).Property("size", Size)
             .Property("bid", Bid).Property("ask", Ask).Property("side", Side ?? Sides.Unknown);
        }
    }

    /// <summary>Best bid/ask change (<c>quote</c>).</summary>
    public sealed class QuoteMessage : IClientMessage
    {
        public string Type { get { return "quote"; } }
        public long Ts { get; set; }
        public string Symbol { get; set; }
        public double Bid { get; set; }
        public double Ask { get; set; }
        public long BidSize { get; set; }
        public long AskSize { get; set; }

        public void WriteBody(JsonWriter w)
        {
            w.Property("symbol", Symbol).Property("bid", Bid).Property("ask", Ask)
             .Property("bid_size", BidSize).Property("ask_size", AskSize);
        }
    }

    /// <summary>A completed bar (<c>bar</c>); <see cref="Ts"/> is its start, <see cref="End"/> the exclusive end.</summary>
    public sealed class BarMessage : IClientMessage
    {
        public string Type { get { return "bar"; } }
        public long Ts { get; set; }
        public string Symbol { get; set; }
        public long End { get; set; }
        public double Open { get; set; }
        public double High { get; set; }
        public double Low { get; set; }
        public double Close { get; set; }
        public long Volume { get; set; }
        public long BuyVolume { get; set; }
        public long SellVolume { get; set; }
        public long Trades { get; set; }

        public void WriteBody(JsonWriter w)
        {
            w.Property("symbol", Symbol).Property("end", End).Property("open", Open).Property("high", High)
             .Property("low", Low).Property("close", Close).Property("volume", Volume)
             .Property("buy_volume", BuyVolume).Property("sell_volume", SellVolume).Property("trades", Trades);
        }
    }

    /// <summary>The Enigma indicator's signal (<c>signal</c>).</summary>
    public sealed class SignalMessage : IClientMessage
    {
        public string Type { get { return "signal"; } }
        public long Ts { get; set; }
        /// <summary>Producer; omitted means <c>enigma</c>.</summary>
        public string Source { get; set; }
        public string Symbol { get; set; }
        /// <summary><c>long</c>, <c>short</c> or <c>neutral</c>.</summary>
        public string Direction { get; set; }
        /// <summary><c>normal</c> or <c>strong</c>.</summary>
        public string Strength { get; set; }
        public double Power { get; set; }
        /// <summary>1 (weakest) to 4.</summary>
        public int Confluence { get; set; }
        public double Price { get; set; }
        public double? Stop { get; set; }
        /// <summary>Profit targets, nearest first; omitted when null or empty.</summary>
        public IList<double> Targets { get; set; }
        /// <summary>Values are string, bool or a number (int, long, double); omitted when null or empty.</summary>
        public IDictionary<string, object> Metadata { get; set; }

        public void WriteBody(JsonWriter w)
        {
            w.OptionalProperty("source", Source).Property("symbol", Symbol).Property("direction", Direction)
             .Property("strength", Strength).Property("power", Power).Property("confluence", Confluence)
             .Property("price", Price).OptionalProperty("stop", Stop);
            if (Targets != null && Targets.Count > 0)
            {
                w.Name("targets").StartArray();
                foreach (var t in Targets) w.Value(t);
                w.EndArray();
            }
            if (Metadata != null && Metadata.Count > 0)
            {
                w.Name("metadata").StartObject();
                foreach (var kv in Metadata)
                {
                    w.Name(kv.Key);
                    WriteScalar(w, kv.Value);
                }
                w.EndObject();
            }
        }

        internal static void WriteScalar(JsonWriter w, object value)
        {
            if (value is string) w.Value((string)value);
            else if (value is bool) w.Value((bool)value);
            else if (value is int) w.Value((int)value);
            else if (value is long) w.Value((long)value);
            else if (value is double) w.Value((double)value);
            else if (value is float) w.Value((double)(float)value);
            else if (value is decimal) w.Value((double)(decimal)value);
            else throw new ArgumentException("Signal metadata values must be string, bool or a number.");
        }
    }

    /// <summary>Balances of one account (<c>account</c>).</summary>
    public sealed class AccountMessage : IClientMessage
    {
        public string Type { get { return "account"; } }
        public long Ts { get; set; }
        public string Account { get; set; }
        public string Currency { get; set; }
        public double Balance { get; set; }
        public double Equity { get; set; }
        public double RealizedPnlToday { get; set; }
        public double UnrealizedPnl { get; set; }

        public void WriteBody(JsonWriter w)
        {
            w.Property("account", Account).Property("currency", Currency ?? "USD").Property("balance", Balance)
             .Property("equity", Equity).Property("realized_pnl_today", RealizedPnlToday)
             .Property("unrealized_pnl", UnrealizedPnl);
        }
    }

    /// <summary>Net position of one account in one instrument (<c>position</c>); quantity signed.</summary>
    public sealed class PositionMessage : IClientMessage
    {
        public string Type { get { return "position"; } }
        public long Ts { get; set; }
        public string Account { get; set; }
        public string Symbol { get; set; }
        public long Quantity { get; set; }
        public double AveragePrice { get; set; }
        public double UnrealizedPnl { get; set; }
        public double RealizedPnl { get; set; }

        public void WriteBody(JsonWriter w)
        {
            w.Property("account", Account).Property("symbol", Symbol).Property("quantity", Quantity)
             .Property("average_price", AveragePrice).Property("unrealized_pnl", UnrealizedPnl)
             .Property("realized_pnl", RealizedPnl);
        }
    }

    /// <summary>A state change of an order in NinjaTrader (<c>order_update</c>).</summary>
    public sealed class OrderUpdateMessage : IClientMessage
    {
        public string Type { get { return "order_update"; } }
        public long Ts { get; set; }
        public string ClientOrderId { get; set; }
        public string BrokerOrderId { get; set; }
        public string Account { get; set; }
        public string Symbol { get; set; }
        public string Side { get; set; }
        public long Quantity { get; set; }
        public long FilledQuantity { get; set; }
        public double? AverageFillPrice { get; set; }
        /// <summary><c>market</c>, <c>limit</c>, <c>stop</c> or <c>stop-limit</c>.</summary>
        public string OrderType { get; set; }
        public double? LimitPrice { get; set; }
        public double? StopPrice { get; set; }
        /// <summary><c>day</c>, <c>gtc</c>, <c>ioc</c> or <c>fok</c>.</summary>
        public string TimeInForce { get; set; }
        /// <summary>See <see cref="OrderStatuses"/>.</summary>
        public string Status { get; set; }
        public string Reason { get; set; }

        public void WriteBody(JsonWriter w)
        {
            w.Property("client_order_id", ClientOrderId).OptionalProperty("broker_order_id", BrokerOrderId)
             .Property("account", Account).Property("symbol", Symbol).Property("side", Side)
             .Property("quantity", Quantity).Property("filled_quantity", FilledQuantity)
             .OptionalProperty("average_fill_price", AverageFillPrice).Property("order_type", OrderType)
             .OptionalProperty("limit_price", LimitPrice).OptionalProperty("stop_price", StopPrice)
             .Property("time_in_force", TimeInForce).Property("status", Status).OptionalProperty("reason", Reason);
        }
    }

    /// <summary>Order status values of <see cref="OrderUpdateMessage.Status"/>.</summary>
    public static class OrderStatuses
    {
        public const string Pending = "pending";
        public const string Submitted = "submitted";
        public const string Accepted = "accepted";
        public const string Working = "working";
        public const string PartiallyFilled = "partially-filled";
        public const string Filled = "filled";
        public const string CancelPending = "cancel-pending";
        public const string Cancelled = "cancelled";
        public const string Rejected = "rejected";
        public const string Expired = "expired";
    }

    /// <summary>One fill (<c>execution</c>).</summary>
    public sealed class ExecutionMessage : IClientMessage
    {
        public string Type { get { return "execution"; } }
        public long Ts { get; set; }
        public string FillId { get; set; }
        public string ClientOrderId { get; set; }
        public string Account { get; set; }
        public string Symbol { get; set; }
        public string Side { get; set; }
        public long Quantity { get; set; }
        public double Price { get; set; }
        public double Commission { get; set; }

        public void WriteBody(JsonWriter w)
        {
            w.Property("fill_id", FillId).Property("client_order_id", ClientOrderId).Property("account", Account)
             .Property("symbol", Symbol).Property("side", Side).Property("quantity", Quantity)
             .Property("price", Price).Property("commission", Commission);
        }
    }

    /// <summary>
    /// The complete state for reconciliation (<c>snapshot</c>): accounts, positions and working
    /// orders, each written as the body of its own message type with its own <c>ts</c>.
    /// </summary>
    public sealed class SnapshotMessage : IClientMessage
    {
        public SnapshotMessage()
        {
            Accounts = new List<AccountMessage>();
            Positions = new List<PositionMessage>();
            Orders = new List<OrderUpdateMessage>();
        }

        public string Type { get { return "snapshot"; } }
        public long Ts { get; set; }
        /// <summary>Echo of <c>snapshot_request.request_id</c>; null when sent unasked.</summary>
        public string RequestId { get; set; }
        public IList<AccountMessage> Accounts { get; private set; }
        public IList<PositionMessage> Positions { get; private set; }
        /// <summary>Working orders only.</summary>
        public IList<OrderUpdateMessage> Orders { get; private set; }

        public void WriteBody(JsonWriter w)
        {
            w.OptionalProperty("request_id", RequestId);
            WriteList(w, "accounts", Accounts);
            WriteList(w, "positions", Positions);
            WriteList(w, "orders", Orders);
        }

        private void WriteList<T>(JsonWriter w, string name, IList<T> items) where T : IClientMessage
        {
            w.Name(name).StartArray();
            foreach (var item in items)
            {
                w.StartObject().Property("ts", item.Ts != 0 ? item.Ts : Ts);
                item.WriteBody(w);
                w.EndObject();
            }
            w.EndArray();
        }
    }

    /// <summary>
    /// The AddOn's kill switch (<c>kill</c>, a compatible addition to protocol v1): asks the engine to
    /// halt <see cref="Account"/>, or every account this session declared in <c>hello</c> when it is
    /// null, as <c>enigma kill</c> does (cancel working orders, flatten positions, persist the halt).
    /// </summary>
    public sealed class KillMessage : IClientMessage
    {
        public string Type { get { return "kill"; } }
        public long Ts { get; set; }
        /// <summary>Why (shown in the engine's log and alerts); required.</summary>
        public string Reason { get; set; }
        /// <summary>One declared account, or null for all of them (the field is then omitted).</summary>
        public string Account { get; set; }

        public void WriteBody(JsonWriter w)
        {
            if (string.IsNullOrEmpty(Reason)) throw new ArgumentException("A kill message needs a reason.");
            w.Property("reason", Reason).OptionalProperty("account", Account);
        }
    }

    /// <summary>The trader's answer to a proposal (<c>proposal_decision</c>).</summary>
    public sealed class ProposalDecisionMessage : IClientMessage
    {
        public string Type { get { return "proposal_decision"; } }
        public long Ts { get; set; }
        public string ProposalId { get; set; }
        /// <summary><c>accepted</c>, <c>rejected</c> or <c>expired</c>.</summary>
        public string Decision { get; set; }
        public string Reason { get; set; }

        public void WriteBody(JsonWriter w)
        {
            w.Property("proposal_id", ProposalId).Property("decision", Decision).OptionalProperty("reason", Reason);
        }
    }
}
