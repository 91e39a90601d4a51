using System;
using EnigmaApex.Client.Transport;
using Xunit;

namespace EnigmaApex.Client.Tests
{
    public class ClockTests
    {
        [Fact]
        public void NowIsEpochMicrosecondsAndNeverGoesBackwards()
        {
            long a = Clock.NowMicros();
            long wall = Clock.ToMicros(DateTime.UtcNow);
            Assert.InRange(a, wall - 5000000, wall + 5000000);
            long previous = a;
            for (int i = 0; i < 10000; i++)
            {
                long now = Clock.NowMicros();
                Assert.True(now >= previous);
                previous = now;
            }
        }

        [Fact]
        public void ConvertsDateTimesBothWays()
        {
            var t = new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc).AddTicks(1234560);
            long us = Clock.ToMicros(t);
            Assert.Equal(1795651200123456, us);
            Assert.Equal(t, Clock.FromMicros(us));
        }

        [Fact]
        public void ConvertsNinjaTraderWallClockTimesFromTheirZone()
        {
            var zone = TimeZoneInfo.CreateCustomTimeZone("UTC-6", TimeSpan.FromHours(-6), "UTC-6", "UTC-6");
            var wall = new DateTime(2026, 11, 25, 18, 0, 0, DateTimeKind.Unspecified);
            Assert.Equal(Clock.ToMicros(new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc)), Clock.ToMicros(wall, zone));
            var utc = new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc);
            Assert.Equal(Clock.ToMicros(utc), Clock.ToMicros(utc, zone));
        }
    }
}
