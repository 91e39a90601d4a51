using System;
using System.Collections.Generic;
using EnigmaApex.Client.Protocol;

namespace EnigmaApex.Client.Bridge
{
    /// <summary>What the broker layer must do with a bracket's exit legs.</summary>
    public enum BracketActionKind
    {
        /// <summary>Create and submit the stop loss and/or take profit as one OCO pair of <see cref="BracketAction.Quantity"/>.</summary>
        SubmitExits,
        /// <summary>Change the working exit legs to <see cref="BracketAction.Quantity"/> (the entry filled more).</summary>
        ResizeExits,
    }

    /// <summary>One instruction from <see cref="BracketTracker"/>; the NinjaTrader layer only carries it out.</summary>
    public sealed class BracketAction
    {
        public BracketActionKind Kind { get; internal set; }
        public string EntryId { get; internal set; }
        public string Account { get; internal set; }
        public string Symbol { get; internal set; }
        /// <summary>Side of the exits: the opposite of the entry's (<c>buy</c> or <c>sell</c>).</summary>
        public string ExitSide { get; internal set; }
        /// <summary>The quantity both legs must have: the entry's filled quantity.</summary>
        public long Quantity { get; internal set; }
        /// <summary>Stop price of the stop-loss leg, or null when the bracket has none.</summary>
        public double? StopLoss { get; internal set; }
        /// <summary>Limit price of the take-profit leg, or null when the bracket has none.</summary>
        public double? TakeProfit { get; internal set; }
        /// <summary><c>&lt;entry&gt;-sl</c>: the stop-loss leg's client order id (contract: stable per entry).</summary>
        public string StopLossId { get { return BracketTracker.StopLossIdOf(EntryId); } }
        /// <summary><c>&lt;entry&gt;-tp</c>: the take-profit leg's client order id.</summary>
        public string TakeProfitId { get { return BracketTracker.TakeProfitIdOf(EntryId); } }
        /// <summary>The OCO group shared by the two legs.</summary>
        public string OcoId { get { return "ea-oco-" + EntryId; } }
    }

    /// <summary>
    /// The bracket state machine. NinjaTrader's <c>Account.Submit</c> has no one-triggers-other, so
    /// exits submitted with the entry would be live at once (a resting entry could be reversed by
    /// its own exits; a rejected or partly filled entry would leave naked exits). Instead: the entry
    /// goes alone; its first fill submits the exits as one OCO pair sized to the filled quantity;
    /// each further fill resizes them; a rejected, cancelled or expired entry with no fill ends the
    /// bracket with no exits ever submitted (one partly filled keeps exits for what filled).
    /// Feed it the entry's order updates (cumulative filled quantity). Thread-safe.
    /// </summary>
    public sealed class BracketTracker
    {
        private sealed class Entry
        {
            public OrderSpec Spec;
            public long Covered;      // quantity the submitted exits are sized to; 0 = no exits yet
        }

        private readonly object _gate = new object();
        private readonly Dictionary<string, Entry> _entries = new Dictionary<string, Entry>(StringComparer.Ordinal);

        public static string StopLossIdOf(string entryId) { return entryId + "-sl"; }
        public static string TakeProfitIdOf(string entryId) { return entryId + "-tp"; }

        /// <summary>Entries whose bracket is still open (exits pending or resizable).</summary>
        public int Count { get { lock (_gate) return _entries.Count; } }

        /// <summary>Starts tracking an entry submitted with a bracket; false when it has no exit legs.</summary>
        public bool Register(OrderSpec entry)
        {
            if (entry == null) throw new ArgumentNullException("entry");
            if (entry.Bracket == null || (!entry.Bracket.StopLoss.HasValue && !entry.Bracket.TakeProfit.HasValue)) return false;
            lock (_gate)
            {
                if (!_entries.ContainsKey(entry.ClientOrderId)) _entries[entry.ClientOrderId] = new Entry { Spec = entry };
            }
            return true;
        }

        /// <summary>True when <paramref name="clientOrderId"/> is an entry with an open bracket.</summary>
        public bool IsTracked(string clientOrderId)
        {
            lock (_gate) return clientOrderId != null && _entries.ContainsKey(clientOrderId);
        }

        /// <summary>
        /// Applies one update of an entry order (<paramref name="status"/> from <see cref="OrderStatuses"/>,
        /// <paramref name="filledQuantity"/> cumulative) and returns what to do with its exits (often nothing).
        /// Updates of untracked orders return nothing.
        /// </summary>
        public IList<BracketAction> OnEntryUpdate(string clientOrderId, string status, long filledQuantity)
        {
            var actions = new List<BracketAction>(1);
            if (clientOrderId == null) return actions;
            lock (_gate)
            {
                Entry e;
                if (!_entries.TryGetValue(clientOrderId, out e)) return actions;
                long filled = Math.Min(filledQuantity, e.Spec.Quantity);
                if (filled > e.Covered)
                {
                    actions.Add(Action(e, e.Covered == 0 ? BracketActionKind.SubmitExits : BracketActionKind.ResizeExits, filled));
                    e.Covered = filled;
                }
                bool final = status == OrderStatuses.Filled || status == OrderStatuses.Cancelled
                    || status == OrderStatuses.Rejected || status == OrderStatuses.Expired;
                // A finished entry keeps whatever exits its fills earned; none are submitted after this.
                if (final || e.Covered >= e.Spec.Quantity) _entries.Remove(clientOrderId);
            }
            return actions;
        }

        private static BracketAction Action(Entry e, BracketActionKind kind, long quantity)
        {
            return new BracketAction
            {
                Kind = kind,
                EntryId = e.Spec.ClientOrderId,
                Account = e.Spec.Account,
                Symbol = e.Spec.Symbol,
                ExitSide = e.Spec.Side == Sides.Buy ? Sides.Sell : Sides.Buy,
                Quantity = quantity,
                StopLoss = e.Spec.Bracket.StopLoss,
                TakeProfit = e.Spec.Bracket.TakeProfit,
            };
        }
    }
}
