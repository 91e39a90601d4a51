namespace EnigmaApex.Client.Bridge
{
    /// <summary>
    /// Decides which NinjaTrader <c>Last</c> events are trades. Subscribing to market data delivers a
    /// snapshot of the last price at once, stamped with the time of that old trade; a reset event
    /// (<c>MarketDataEventArgs.IsReset</c>, e.g. a replay rewind) carries no trade either. Neither may
    /// go out as a tick or into a bar. Not thread-safe: one per instrument feed, used under its lock.
    /// </summary>
    public sealed class LastPriceFilter
    {
        private readonly long _subscribedAtMicros;
        private bool _live;

        /// <param name="subscribedAtMicros">When the subscription was made (Unix µs).</param>
        public LastPriceFilter(long subscribedAtMicros)
        {
            _subscribedAtMicros = subscribedAtMicros;
        }

        /// <summary>True when this Last event is a new trade to forward.</summary>
        public bool IsTrade(bool isReset, long eventMicros)
        {
            if (isReset) return false;
            if (!_live)
            {
                // Events stamped before the subscription are the snapshot (or its replays); the first
                // one stamped after it is live, and from then on every event is.
                if (eventMicros < _subscribedAtMicros) return false;
                _live = true;
            }
            return true;
        }
    }
}
