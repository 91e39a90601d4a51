using System;
using EnigmaApex.Client.Transport;
using Xunit;

namespace EnigmaApex.Client.Tests
{
    public class BackoffTests
    {
        [Fact]
        public void DoublesFrom250MillisecondsUpTo30SecondsWithin20PercentJitter()
        {
            var b = new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), 0.2, new Random(1));
            double expected = 250;
            for (int i = 0; i < 20; i++)
            {
                double ms = b.Next().TotalMilliseconds;
                Assert.InRange(ms, expected * 0.8, expected * 1.2);
                expected = Math.Min(expected * 2, 30000);
            }
        }

        [Fact]
        public void JitterSpreadsDelays()
        {
            var seen = new System.Collections.Generic.HashSet<double>();
            var rnd = new Random(3);
            for (int i = 0; i < 20; i++) seen.Add(new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), 0.2, rnd).Next().TotalMilliseconds);
            Assert.True(seen.Count > 15);
        }

        [Fact]
        public void ResetStartsAgainFromTheInitialDelay()
        {
            var b = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), 0.2, new Random(2));
            for (int i = 0; i < 6; i++) b.Next();
            b.Reset();
            Assert.Equal(0, b.Attempt);
            Assert.InRange(b.Next().TotalMilliseconds, 80, 120);
        }
    }
}
