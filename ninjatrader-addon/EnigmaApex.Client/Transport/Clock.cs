using System;
using System.Diagnostics;

namespace EnigmaApex.Client.Transport
{
    /// <summary>
    /// Unix epoch microseconds with microsecond resolution: the wall clock read once, advanced by
    /// <see cref="Stopwatch"/> (DateTime.UtcNow on .NET Framework ticks only every 1–16 ms).
    /// Re-anchored every minute so that it follows wall-clock adjustments, never going backwards.
    /// </summary>
    public static class Clock
    {
        private static readonly object Gate = new object();
        private static readonly long UnixEpochTicks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        private static long _anchorMicros = WallMicros();
        private static long _anchorStopwatch = Stopwatch.GetTimestamp();
        private static long _last;

        /// <summary>Now, in integer Unix epoch microseconds (UTC), never less than a previous reading.</summary>
        public static long NowMicros()
        {
            lock (Gate)
            {
                long elapsed = Stopwatch.GetTimestamp() - _anchorStopwatch;
                if (elapsed > Stopwatch.Frequency * 60)
                {
                    _anchorMicros = WallMicros();
                    _anchorStopwatch = Stopwatch.GetTimestamp();
                    elapsed = 0;
                }
                long now = _anchorMicros + (long)(elapsed * 1000000.0 / Stopwatch.Frequency);
                if (now < _last) now = _last;
                _last = now;
                return now;
            }
        }

        /// <summary>Converts a UTC (or local: it is converted) <see cref="DateTime"/> to Unix epoch microseconds; an unspecified kind is taken as UTC.</summary>
        public static long ToMicros(DateTime time)
        {
            if (time.Kind == DateTimeKind.Local) time = time.ToUniversalTime();
            return (time.Ticks - UnixEpochTicks) / 10;
        }

        /// <summary>
        /// Converts a wall-clock time of <paramref name="zone"/> to Unix epoch microseconds.
        /// NinjaTrader reports times in the time zone of its General options, with an unspecified
        /// <see cref="DateTime.Kind"/>; UTC and local times are converted as such.
        /// </summary>
        public static long ToMicros(DateTime time, TimeZoneInfo zone)
        {
            if (time.Kind == DateTimeKind.Unspecified && zone != null)
            {
                // The hour skipped when clocks go forward does not exist; such a stamp is an hour late.
                if (zone.IsInvalidTime(time)) time = time.AddHours(1);
                time = TimeZoneInfo.ConvertTimeToUtc(time, zone);
            }
            return ToMicros(time);
        }

        /// <summary>Converts Unix epoch microseconds to a UTC <see cref="DateTime"/>.</summary>
        public static DateTime FromMicros(long micros)
        {
            return new DateTime(UnixEpochTicks + micros * 10, DateTimeKind.Utc);
        }

        private static long WallMicros() { return ToMicros(DateTime.UtcNow); }
    }
}
