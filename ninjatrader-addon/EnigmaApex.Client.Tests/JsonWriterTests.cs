using System;
using System.Globalization;
using System.Threading;
using EnigmaApex.Client.Json;
using Xunit;

namespace EnigmaApex.Client.Tests
{
    public class JsonWriterTests
    {
        private static string Str(string s)
        {
            return new JsonWriter().Value(s).ToString();
        }

        [Theory]
        [InlineData("plain", "\"plain\"")]
        [InlineData("a\"b", "\"a\\\"b\"")]
        [InlineData("back\\slash", "\"back\\\\slash\"")]
        [InlineData("line\nbreak\r\ttab", "\"line\\nbreak\\r\\ttab\"")]
        [InlineData("\b\f", "\"\\b\\f\"")]
        [InlineData("\u0001\u001f", "\"\\u0001\\u001f\"")]
        [InlineData("\u2028\u2029", "\"\\u2028\\u2029\"")]
        [InlineData("NQ 12-26 é ü 日本", "\"NQ 12-26 é ü 日本\"")]
        [InlineData("/slash is not escaped", "\"/slash is not escaped\"")]
        public void EscapesStringsAsJsonRequires(string input, string expected)
        {
            Assert.Equal(expected, Str(input));
        }

        [Fact]
        public void KeepsSurrogatePairsAndEscapesLoneSurrogates()
        {
            Assert.Equal("\"😀\"", Str("😀"));
            Assert.Equal("\"x\\ud800y\"", Str("x\ud800y"));
            Assert.Equal("\"\\udc00\"", Str("\udc00"));
        }

        [Fact]
        public void EscapedStringsParseBackToTheSameText()
        {
            var rnd = new Random(7);
            for (int n = 0; n < 2000; n++)
            {
                var chars = new char[rnd.Next(0, 40)];
                for (int i = 0; i < chars.Length; i++) chars[i] = (char)rnd.Next(0, 0x3000);
                var s = new string(chars);
                Assert.Equal(s, JsonReader.Parse(Str(s)).AsString());
            }
        }

        [Theory]
        [InlineData(0L, "0")]
        [InlineData(-1L, "-1")]
        [InlineData(1764115200123456L, "1764115200123456")]
        [InlineData(long.MaxValue, "9223372036854775807")]
        [InlineData(long.MinValue, "-9223372036854775808")]
        public void WritesIntegersExactly(long value, string expected)
        {
            Assert.Equal(expected, new JsonWriter().Value(value).ToString());
        }

        [Fact]
        public void EpochMicrosecondsAbove2Pow53SurviveTheRoundTrip()
        {
            long micros = (1L << 53) + 1; // not representable as a double
            var text = new JsonWriter().StartObject().Property("ts", micros).EndObject().ToString();
            Assert.Equal(micros, JsonReader.Parse(text).GetLong("ts"));
        }

        [Theory]
        [InlineData(21012.25, "21012.25")]
        [InlineData(21012.0, "21012")]
        [InlineData(0.1, "0.1")]
        [InlineData(-0.5, "-0.5")]
        [InlineData(1e21, "1E+21")]
        [InlineData(5e-324, "5E-324")]
        public void WritesDoublesInShortestInvariantForm(double value, string expected)
        {
            Assert.Equal(expected, JsonWriter.FormatDouble(value));
        }

        [Fact]
        public void DoublesRoundTripBitForBit()
        {
            var rnd = new Random(42);
            var bytes = new byte[8];
            for (int i = 0; i < 20000; i++)
            {
                rnd.NextBytes(bytes);
                double d = BitConverter.ToDouble(bytes, 0);
                if (double.IsNaN(d) || double.IsInfinity(d)) continue;
                string text = JsonWriter.FormatDouble(d);
                double back = JsonReader.Parse(text).AsDouble();
                Assert.Equal(BitConverter.DoubleToInt64Bits(d), BitConverter.DoubleToInt64Bits(back));
            }
            foreach (var d in new[] { 0.1 + 0.2, 1.0 / 3, double.MaxValue, double.MinValue, double.Epsilon, 21012.25 * 1.0000001 })
                Assert.Equal(d, JsonReader.Parse(JsonWriter.FormatDouble(d)).AsDouble());
        }

        [Fact]
        public void UsesTheInvariantCultureWhateverTheThreadCulture()
        {
            var saved = CultureInfo.CurrentCulture;
            try
            {
                CultureInfo.CurrentCulture = new CultureInfo("de-DE");
                Thread.CurrentThread.CurrentCulture = new CultureInfo("de-DE");
                var text = new JsonWriter().StartArray().Value(1234.5).Value(-0.25).Value(1000000L).EndArray().ToString();
                Assert.Equal("[1234.5,-0.25,1000000]", text);
            }
            finally
            {
                CultureInfo.CurrentCulture = saved;
            }
        }

        [Theory]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        [InlineData(double.NegativeInfinity)]
        public void RejectsNaNAndInfinity(double value)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new JsonWriter().Value(value));
        }

        [Fact]
        public void WritesNestedStructuresWithCommas()
        {
            var w = new JsonWriter();
            w.StartObject()
                .Property("a", 1)
                .Name("b").StartArray().Value(true).Value(false).Null().StartObject().EndObject().StartArray().EndArray().EndArray()
                .Name("c").StartObject().Property("d", "e").EndObject()
                .OptionalProperty("skipped", (double?)null)
                .OptionalProperty("kept", (double?)2.5)
                .EndObject();
            Assert.Equal("{\"a\":1,\"b\":[true,false,null,{},[]],\"c\":{\"d\":\"e\"},\"kept\":2.5}", w.ToString());
            Assert.True(w.IsComplete);
        }

        [Fact]
        public void RefusesMisplacedTokens()
        {
            Assert.Throws<InvalidOperationException>(() => new JsonWriter().StartObject().Value(1));
            Assert.Throws<InvalidOperationException>(() => new JsonWriter().StartArray().Name("x"));
            Assert.Throws<InvalidOperationException>(() => new JsonWriter().StartObject().EndArray());
            Assert.Throws<InvalidOperationException>(() => new JsonWriter().StartObject().Name("x").EndObject());
            Assert.Throws<InvalidOperationException>(() => new JsonWriter().Value(1).Value(2));
            Assert.Throws<ArgumentNullException>(() => new JsonWriter().StartObject().Property("symbol", (string)null));
        }

        [Fact]
        public void ResetAllowsReuse()
        {
            var w = new JsonWriter();
            w.StartArray().Value(1).EndArray();
            w.Reset();
            w.StartObject().EndObject();
            Assert.Equal("{}", w.ToString());
        }
    }
}
