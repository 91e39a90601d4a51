using EnigmaApex.Client.Bridge;
using EnigmaApex.Client.Protocol;
using Xunit;

namespace EnigmaApex.Client.Tests
{
    public class BarBuilderTests
    {
        private const long Minute = 60000000;
        private const long T = 1764115200000000; // on a minute boundary

        [Fact]
        public void AggregatesPrintsOfOnePeriodAndCompletesOnTheNext()
        {
            var b = new BarBuilder("NQ 12-26", 60);
            Assert.Null(b.OnTick(T + 1, 100, 2, Sides.Buy));
            Assert.Null(b.OnTick(T + 2, 102, 1, Sides.Sell));
            Assert.Null(b.OnTick(T + 3, 99, 4, Sides.Unknown));
            Assert.Null(b.OnTick(T + Minute - 1, 101, 1, Sides.Buy));
            var bar = b.OnTick(T + Minute, 103, 1, Sides.Buy);
            Assert.NotNull(bar);
            Assert.Equal(T, bar.Ts);
            Assert.Equal(T + Minute, bar.End);
            Assert.Equal(100, bar.Open);
            Assert.Equal(102, bar.High);
            Assert.Equal(99, bar.Low);
            Assert.Equal(101, bar.Close);
            Assert.Equal(8, bar.Volume);
            Assert.Equal(3, bar.BuyVolume);
            Assert.Equal(1, bar.SellVolume);
            Assert.Equal(4, bar.Trades);
            Assert.Equal("NQ 12-26", bar.Symbol);
        }

        [Fact]
        public void FlushClosesABarAfterItsEndOnly()
        {
            var b = new BarBuilder("ES 12-26", 60);
            b.OnTick(T + 10, 100, 1, Sides.Buy);
            Assert.Null(b.Flush(T + Minute - 1));
            var bar = b.Flush(T + Minute);
            Assert.Equal(T, bar.Ts);
            Assert.Null(b.Flush(T + 2 * Minute));
            var next = b.OnTick(T + 3 * Minute + 5, 101, 1, Sides.Sell);
            Assert.Null(next);
            Assert.Equal(T + 3 * Minute, b.Flush(T + 4 * Minute).Ts); // empty periods make no bars
        }

        [Fact]
        public void LatePrintsOfAClosedPeriodAreIgnored()
        {
            var b = new BarBuilder("ES 12-26", 60);
            b.OnTick(T + Minute + 1, 100, 1, Sides.Buy);
            Assert.Null(b.OnTick(T + 5, 90, 1, Sides.Buy));
            var bar = b.Flush(T + 2 * Minute);
            Assert.Equal(100, bar.Low);
            Assert.Equal(1, bar.Trades);
        }
    }
}
