using System;
using EnigmaApex.Client.Json;
using Xunit;

namespace EnigmaApex.Client.Tests
{
    public class JsonReaderTests
    {
        [Fact]
        public void ParsesEveryKindOfValue()
        {
            var v = JsonReader.Parse(" {\"s\":\"x\",\"i\":-12,\"d\":1.5e2,\"t\":true,\"f\":false,\"n\":null,\"a\":[1,[2],{}],\"o\":{\"k\":\"v\"}} ");
            Assert.Equal(JsonKind.Object, v.Kind);
            Assert.Equal("x", v.GetString("s"));
            Assert.Equal(-12L, v.GetLong("i"));
            Assert.Equal(150.0, v.GetDouble("d"));
            Assert.True(v.GetBool("t"));
            Assert.False(v.GetBool("f"));
            Assert.True(v.Get("n").IsNull);
            Assert.Null(v.Get("missing"));
            Assert.Equal(3, v.Get("a").Count);
            Assert.Equal("v", v.Get("o").GetString("k"));
            Assert.Equal(new[] { "s", "i", "d", "t", "f", "n", "a", "o" }, Array.ConvertAll(new System.Collections.Generic.List<System.Collections.Generic.KeyValuePair<string, JsonValue>>(v.Members).ToArray(), m => m.Key));
        }

        [Theory]
        [InlineData("\"\\u00e9\\u65e5\"", "é日")]
        [InlineData("\"\\ud83d\\ude00\"", "😀")]
        [InlineData("\"\\/\\\\\\\"\\b\\f\\n\\r\\t\"", "/\\\"\b\f\n\r\t")]
        [InlineData("\"😀 raw\"", "😀 raw")]
        public void DecodesEscapes(string json, string expected)
        {
            Assert.Equal(expected, JsonReader.Parse(json).AsString());
        }

        [Theory]
        [InlineData("")]
        [InlineData("{")]
        [InlineData("{\"a\":1,}")]
        [InlineData("[1,]")]
        [InlineData("[1 2]")]
        [InlineData("{\"a\" 1}")]
        [InlineData("{a:1}")]
        [InlineData("{'a':1}")]
        [InlineData("01")]
        [InlineData("-")]
        [InlineData("1.")]
        [InlineData(".5")]
        [InlineData("1e")]
        [InlineData("+1")]
        [InlineData("NaN")]
        [InlineData("Infinity")]
        [InlineData("-Infinity")]
        [InlineData("1e999")]
        [InlineData("-1e999")]
        [InlineData("tru")]
        [InlineData("nul")]
        [InlineData("\"unterminated")]
        [InlineData("\"bad \\x escape\"")]
        [InlineData("\"bad \\u12 escape\"")]
        [InlineData("\"raw \u0001 control\"")]
        [InlineData("\"raw \n newline\"")]
        [InlineData("{} {}")]
        [InlineData("{\"a\":1} x")]
        [InlineData("// comment\n{}")]
        [InlineData("{\"a\":1,\"a\":2}")]
        public void RejectsInvalidJson(string json)
        {
            Assert.Throws<JsonException>(() => JsonReader.Parse(json));
        }

        [Fact]
        public void RejectsExcessiveNesting()
        {
            string deep = new string('[', 65) + new string(']', 65);
            Assert.Throws<JsonException>(() => JsonReader.Parse(deep));
            string ok = new string('[', 64) + new string(']', 64);
            Assert.Equal(JsonKind.Array, JsonReader.Parse(ok).Kind);
        }

        [Fact]
        public void ReadsLargeIntegersExactlyAndRefusesFractionsAsIntegers()
        {
            Assert.Equal(9007199254740993L, JsonReader.Parse("9007199254740993").AsLong());
            Assert.Equal(long.MinValue, JsonReader.Parse("-9223372036854775808").AsLong());
            Assert.Throws<JsonException>(() => JsonReader.Parse("1.5").AsLong());
            Assert.Throws<JsonException>(() => JsonReader.Parse("1e3").AsLong());
            Assert.Throws<JsonException>(() => JsonReader.Parse("9223372036854775808").AsLong());
        }

        [Fact]
        public void TypedAccessorsNameTheFieldWhenTheTypeIsWrong()
        {
            var v = JsonReader.Parse("{\"price\":\"abc\"}");
            var e = Assert.Throws<JsonException>(() => v.GetDouble("price"));
            Assert.Contains("price", e.Message);
            Assert.Throws<JsonException>(() => v.GetDouble("size"));
            Assert.Null(v.GetDoubleOrNull("size"));
            Assert.Null(JsonReader.Parse("{\"x\":null}").GetStringOrNull("x"));
        }

        [Fact]
        public void WriterAndReaderRoundTripAStructure()
        {
            const string text = "{\"type\":\"signal\",\"seq\":4,\"ts\":1764115200200000,\"targets\":[21030,21050.5],\"metadata\":{\"bar\":12,\"note\":\"a\\\"b\",\"ok\":true},\"n\":null}";
            Assert.Equal(text, JsonReader.Parse(text).ToString());
        }
    }
}
