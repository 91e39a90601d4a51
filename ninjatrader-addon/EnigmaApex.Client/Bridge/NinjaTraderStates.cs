using EnigmaApex.Client.Protocol;

namespace EnigmaApex.Client.Bridge
{
    /// <summary>
    /// NinjaTrader 8 order-state and time-in-force names (the enum member names of
    /// <c>NinjaTrader.Cbi.OrderState</c> / <c>TimeInForce</c>,
    /// https://developer.ninjatrader.com/docs/desktop/orderstate) mapped to protocol values. Names, not
    /// the enums, so the mapping is tested here without NinjaTrader.
    /// </summary>
    public static class NinjaTraderStates
    {
        /// <summary>The protocol status for an <c>OrderState</c> name.</summary>
        public static string ToStatus(string orderState)
        {
            switch (orderState)
            {
                case "Initialized": return OrderStatuses.Pending;
                case "Submitted": return OrderStatuses.Submitted;
                case "Accepted":
                case "AcceptedByRisk": return OrderStatuses.Accepted;    // accepted by NinjaTrader's risk check, on its way to the broker
                case "PartFilled": return OrderStatuses.PartiallyFilled;
                case "Filled": return OrderStatuses.Filled;
                case "CancelPending":
                case "CancelSubmitted": return OrderStatuses.CancelPending;
                case "Cancelled": return OrderStatuses.Cancelled;
                case "Rejected": return OrderStatuses.Rejected;
                default: return OrderStatuses.Working;                   // Working, TriggerPending, ChangePending, ChangeSubmitted, Suspended (a GTC order between sessions), Unknown
            }
        }

        /// <summary>True while the order can still fill (it must be listed in snapshots, cancelled by flatten, found by cancel/replace).</summary>
        public static bool IsLive(string orderState)
        {
            switch (orderState)
            {
                case "Filled":
                case "Cancelled":
                case "Rejected": return false;
                default: return true;   // includes Initialized, AcceptedByRisk, Suspended and Unknown: never assume an order is gone
            }
        }

        /// <summary>
        /// The <c>TimeInForce</c> name for a protocol value, or null when NinjaTrader has none (<c>fok</c>):
        /// such an order is rejected rather than sent with another meaning.
        /// </summary>
        public static string ToTimeInForce(string protocolValue)
        {
            switch (protocolValue)
            {
                case "gtc": return "Gtc";
                case "ioc": return "Ioc";
                case "day":
                case null: return "Day";
                default: return null;
            }
        }

        /// <summary>The protocol value for a <c>TimeInForce</c> name.</summary>
        public static string FromTimeInForce(string timeInForce)
        {
            switch (timeInForce)
            {
                case "Gtc": return "gtc";
                case "Ioc": return "ioc";
                default: return "day";
            }
        }
    }
}
