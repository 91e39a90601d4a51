using System;
using System.Collections.Generic;

namespace EnigmaApex.Client
{
    /// <summary>
    /// Remembers the ids already acted on (<c>client_order_id</c> of orders, <c>command_id</c> of
    /// cancel/replace/flatten), so that an engine command delivered again (a resend after the
    /// engine restarted, a proposal accepted twice) is carried out at most once (protocol §3.4).
    /// Keeps the most recent <see cref="Capacity"/> ids. Thread-safe.
    /// </summary>
    public sealed class IdempotencyRegistry
    {
        private readonly object _gate = new object();
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        private readonly Queue<string> _order = new Queue<string>();

        /// <summary>Creates a registry remembering up to <paramref name="capacity"/> ids.</summary>
        public IdempotencyRegistry(int capacity = 100000)
        {
            if (capacity < 1) throw new ArgumentOutOfRangeException("capacity");
            Capacity = capacity;
        }

        /// <summary>How many ids are remembered at most.</summary>
        public int Capacity { get; private set; }

        /// <summary>How many ids are remembered now.</summary>
        public int Count { get { lock (_gate) return _seen.Count; } }

        /// <summary>True the first time <paramref name="id"/> is seen (act on it), false for a repeat (skip it).</summary>
        public bool TryClaim(string id)
        {
            if (id == null) throw new ArgumentNullException("id");
            lock (_gate)
            {
                if (!_seen.Add(id)) return false;
                _order.Enqueue(id);
                if (_order.Count > Capacity) _seen.Remove(_order.Dequeue());
                return true;
            }
        }

        /// <summary>True when <paramref name="id"/> was already claimed.</summary>
        public bool Contains(string id)
        {
            lock (_gate) return _seen.Contains(id);
        }

        /// <summary>Claims ids known from elsewhere (e.g. the names of orders found working in NinjaTrader at start-up).</summary>
        public void Seed(IEnumerable<string> ids)
        {
            foreach (var id in ids) TryClaim(id);
        }
    }
}
