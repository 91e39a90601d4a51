using System;
using EnigmaApex.Client.Protocol;

namespace EnigmaApex.Client.Bridge
{
    /// <summary>
    /// Builds time bars from trade prints, for the <c>bar</c> stream (protocol §4.2). Bars are
    /// aligned to the epoch (a 60 s bar starts on the minute); <c>ts</c> is the start, <c>end</c>
    /// the exclusive end; buy and sell volume come from each print's aggressor side. A bar is
    /// complete when a print of a later period arrives, or when <see cref="Flush"/> is called
    /// after its end (from a timer, so a quiet market still closes its bars). Not thread-safe:
    /// feed it from one thread.
    /// </summary>
    public sealed class BarBuilder
    {
        private readonly string _symbol;
        private readonly long _periodMicros;
        private BarMessage _current;

        /// <summary>Creates a builder of <paramref name="periodSeconds"/>-second bars.</summary>
        public BarBuilder(string symbol, int periodSeconds)
        {
            if (symbol == null) throw new ArgumentNullException("symbol");
            if (periodSeconds < 1) throw new ArgumentOutOfRangeException("periodSeconds");
            _symbol = symbol;
            _periodMicros = periodSeconds * 1000000L;
        }

        /// <summary>Adds a print; returns the bar it completed, or null.</summary>
        public BarMessage OnTick(long ts, double price, long size, string side)
        {
            long start = ts - (((ts % _periodMicros) + _periodMicros) % _periodMicros);
            BarMessage completed = null;
            if (_current != null && start >= _current.End)
            {
                completed = _current;
                _current = null;
            }
            if (_current == null)
            {
                _current = new BarMessage { Ts = start, End = start + _periodMicros, Symbol = _symbol, Open = price, High = price, Low = price, Close = price };
            }
            else if (start < _current.Ts)
            {
                return completed; // a late print of an earlier period: that bar is gone already
            }
            if (price > _current.High) _current.High = price;
            if (price < _current.Low) _current.Low = price;
            _current.Close = price;
            _current.Volume += size;
            if (side == Sides.Buy) _current.BuyVolume += size;
            else if (side == Sides.Sell) _current.SellVolume += size;
            _current.Trades++;
            return completed;
        }

        /// <summary>Returns the current bar if <paramref name="nowMicros"/> is at or past its end, else null.</summary>
        public BarMessage Flush(long nowMicros)
        {
            if (_current == null || nowMicros < _current.End) return null;
            var completed = _current;
            _current = null;
            return completed;
        }
    }
}
