using System;
using System.Collections.Generic;

namespace EnigmaApex.Client.Bridge
{
    /// <summary>
    /// At most one value per key per interval, latest wins, the last never lost: <see cref="Offer"/>
    /// lets a value through when the key's interval has passed and otherwise keeps it (replacing any
    /// older pending one); <see cref="TakeDue"/> (called by a timer) releases what waited its turn.
    /// Used for account messages, which NinjaTrader raises on every tick through UnrealizedProfitLoss.
    /// Times are caller-supplied milliseconds (any monotonic clock). Thread-safe.
    /// </summary>
    public sealed class LatestPerKeyThrottle<T> where T : class
    {
        private sealed class Slot
        {
            public long LastSentMs = long.MinValue;
            public T Pending;
        }

        private readonly object _gate = new object();
        private readonly Dictionary<string, Slot> _slots = new Dictionary<string, Slot>(StringComparer.Ordinal);
        private readonly long _intervalMs;

        public LatestPerKeyThrottle(TimeSpan interval)
        {
            if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException("interval");
            _intervalMs = (long)interval.TotalMilliseconds;
        }

        /// <summary>Returns <paramref name="value"/> when it may go now; null when it waits for <see cref="TakeDue"/>.</summary>
        public T Offer(string key, T value, long nowMs)
        {
            lock (_gate)
            {
                Slot s;
                if (!_slots.TryGetValue(key, out s)) _slots[key] = s = new Slot();
                if (s.LastSentMs == long.MinValue || nowMs - s.LastSentMs >= _intervalMs)
                {
                    s.LastSentMs = nowMs;
                    s.Pending = null;
                    return value;
                }
                s.Pending = value;
                return null;
            }
        }

        /// <summary>The pending values whose key's interval has passed (each at most once).</summary>
        public IList<T> TakeDue(long nowMs)
        {
            var due = new List<T>();
            lock (_gate)
            {
                foreach (var s in _slots.Values)
                {
                    if (s.Pending == null || nowMs - s.LastSentMs < _intervalMs) continue;
                    due.Add(s.Pending);
                    s.Pending = null;
                    s.LastSentMs = nowMs;
                }
            }
            return due;
        }
    }
}
