using System;

namespace EnigmaApex.Client.Transport
{
    /// <summary>
    /// Reconnect delays as protocol v1 (§5) asks: start at <see cref="Initial"/> (250 ms), double
    /// up to <see cref="Max"/> (30 s), each delay spread by ±<see cref="Jitter"/> (20 %) at random
    /// so that clients restarted together do not reconnect in lock-step. The owner calls
    /// <see cref="Reset"/> after a connection has lasted long enough (60 s).
    /// </summary>
    public sealed class Backoff
    {
        private readonly Random _random;
        private readonly object _gate = new object();
        private int _attempt;

        /// <summary>Creates a backoff; pass a seeded <see cref="Random"/> for reproducible delays.</summary>
        public Backoff(TimeSpan initial, TimeSpan max, double jitter = 0.2, Random random = null)
        {
            if (initial <= TimeSpan.Zero) throw new ArgumentOutOfRangeException("initial");
            if (max < initial) throw new ArgumentOutOfRangeException("max");
            if (jitter < 0 || jitter >= 1) throw new ArgumentOutOfRangeException("jitter");
            Initial = initial;
            Max = max;
            Jitter = jitter;
            _random = random ?? new Random();
        }

        /// <summary>The first delay, before jitter.</summary>
        public TimeSpan Initial { get; private set; }

        /// <summary>The largest delay, before jitter.</summary>
        public TimeSpan Max { get; private set; }

        /// <summary>Relative spread: a delay d becomes uniform in [d(1−j), d(1+j)].</summary>
        public double Jitter { get; private set; }

        /// <summary>How many delays were handed out since the last reset.</summary>
        public int Attempt { get { lock (_gate) return _attempt; } }

        /// <summary>The delay before the next attempt; each call doubles the next one, up to the maximum.</summary>
        public TimeSpan Next()
        {
            lock (_gate)
            {
                double step = Initial.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 30));
                if (step > Max.TotalMilliseconds) step = Max.TotalMilliseconds;
                _attempt++;
                double factor = 1 - Jitter + 2 * Jitter * _random.NextDouble();
                return TimeSpan.FromMilliseconds(step * factor);
            }
        }

        /// <summary>Starts again from <see cref="Initial"/>.</summary>
        public void Reset()
        {
            lock (_gate) _attempt = 0;
        }
    }
}
