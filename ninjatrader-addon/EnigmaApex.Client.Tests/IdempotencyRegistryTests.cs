using Xunit;

namespace EnigmaApex.Client.Tests
{
    public class IdempotencyRegistryTests
    {
        [Fact]
        public void ClaimsAnIdOnlyOnce()
        {
            var r = new IdempotencyRegistry();
            Assert.True(r.TryClaim("ea-1"));
            Assert.False(r.TryClaim("ea-1"));
            Assert.True(r.TryClaim("ea-2"));
            Assert.True(r.Contains("ea-1"));
            Assert.Equal(2, r.Count);
        }

        [Fact]
        public void ForgetsTheOldestBeyondCapacity()
        {
            var r = new IdempotencyRegistry(2);
            r.Seed(new[] { "a", "b", "c" });
            Assert.False(r.Contains("a"));
            Assert.True(r.Contains("b"));
            Assert.True(r.Contains("c"));
            Assert.Equal(2, r.Count);
        }
    }
}
