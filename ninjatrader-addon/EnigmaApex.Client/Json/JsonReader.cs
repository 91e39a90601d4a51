using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace EnigmaApex.Client.Json
{
    /// <summary>
    /// A strict RFC 8259 JSON parser into <see cref="JsonValue"/> trees. Rejects trailing
    /// content, comments, single quotes, leading zeros, NaN/Infinity literals, unescaped control
    /// characters, duplicate object keys and nesting deeper than <see cref="MaxDepth"/>.
    /// </summary>
    public static class JsonReader
    {
        /// <summary>Deepest nesting accepted; protocol messages are shallow.</summary>
        public const int MaxDepth = 64;

        /// <summary>Parses one complete JSON text.</summary>
        public static JsonValue Parse(string text)
        {
            if (text == null) throw new ArgumentNullException("text");
            var p = new Parser(text);
            p.SkipWhitespace();
            var v = p.ParseValue(0);
            p.SkipWhitespace();
            if (p.Pos != text.Length) throw new JsonException("Unexpected content after the JSON value", p.Pos);
            return v;
        }

        private sealed class Parser
        {
            private readonly string _s;
            public int Pos;
            private readonly StringBuilder _sb = new StringBuilder();

            public Parser(string s) { _s = s; }

            public void SkipWhitespace()
            {
                while (Pos < _s.Length)
                {
                    char c = _s[Pos];
                    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') Pos++;
                    else break;
                }
            }

            public JsonValue ParseValue(int depth)
            {
                if (Pos >= _s.Length) throw new JsonException("Unexpected end of input", Pos);
                char c = _s[Pos];
                switch (c)
                {
                    case '{': return ParseObject(depth + 1);
                    case '[': return ParseArray(depth + 1);
                    case '"': return JsonValue.String(ParseString());
                    case 't': Literal("true"); return JsonValue.True;
                    case 'f': Literal("false"); return JsonValue.False;
                    case 'n': Literal("null"); return JsonValue.NullValue;
                    default:
                        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber();
                        throw new JsonException("Unexpected character '" + c + "'", Pos);
                }
            }

            private void Literal(string word)
            {
                if (string.CompareOrdinal(_s, Pos, word, 0, word.Length) != 0)
                    throw new JsonException("Invalid literal", Pos);
                Pos += word.Length;
            }

            private JsonValue ParseObject(int depth)
            {
                if (depth > MaxDepth) throw new JsonException("Nesting deeper than " + MaxDepth, Pos);
                Pos++; // {
                var members = new List<KeyValuePair<string, JsonValue>>();
                var index = new Dictionary<string, JsonValue>(StringComparer.Ordinal);
                SkipWhitespace();
                if (Pos < _s.Length && _s[Pos] == '}') { Pos++; return JsonValue.Object(members, index); }
                while (true)
                {
                    SkipWhitespace();
                    if (Pos >= _s.Length || _s[Pos] != '"') throw new JsonException("Expected a property name", Pos);
                    int keyPos = Pos;
                    string key = ParseString();
                    SkipWhitespace();
                    if (Pos >= _s.Length || _s[Pos] != ':') throw new JsonException("Expected ':'", Pos);
                    Pos++;
                    SkipWhitespace();
                    var value = ParseValue(depth);
                    if (index.ContainsKey(key)) throw new JsonException("Duplicate property '" + key + "'", keyPos);
                    index.Add(key, value);
                    members.Add(new KeyValuePair<string, JsonValue>(key, value));
                    SkipWhitespace();
                    if (Pos >= _s.Length) throw new JsonException("Unterminated object", Pos);
                    char c = _s[Pos++];
                    if (c == '}') return JsonValue.Object(members, index);
                    if (c != ',') throw new JsonException("Expected ',' or '}'", Pos - 1);
                }
            }

            private JsonValue ParseArray(int depth)
            {
                if (depth > MaxDepth) throw new JsonException("Nesting deeper than " + MaxDepth, Pos);
                Pos++; // [
                var items = new List<JsonValue>();
                SkipWhitespace();
                if (Pos < _s.Length && _s[Pos] == ']') { Pos++; return JsonValue.Array(items); }
                while (true)
                {
                    SkipWhitespace();
                    items.Add(ParseValue(depth));
                    SkipWhitespace();
                    if (Pos >= _s.Length) throw new JsonException("Unterminated array", Pos);
                    char c = _s[Pos++];
                    if (c == ']') return JsonValue.Array(items);
                    if (c != ',') throw new JsonException("Expected ',' or ']'", Pos - 1);
                }
            }

            private string ParseString()
            {
                int start = ++Pos; // opening quote
                // Fast path: no escapes.
                while (Pos < _s.Length)
                {
                    char c = _s[Pos];
                    if (c == '"') { Pos++; return _s.Substring(start, Pos - 1 - start); }
                    if (c == '\\') break;
                    if (c < 0x20) throw new JsonException("Unescaped control character in string", Pos);
                    Pos++;
                }
                _sb.Clear();
                _sb.Append(_s, start, Pos - start);
                while (Pos < _s.Length)
                {
                    char c = _s[Pos++];
                    if (c == '"') return _sb.ToString();
                    if (c < 0x20) throw new JsonException("Unescaped control character in string", Pos - 1);
                    if (c != '\\') { _sb.Append(c); continue; }
                    if (Pos >= _s.Length) break;
                    char e = _s[Pos++];
                    switch (e)
                    {
                        case '"': _sb.Append('"'); break;
                        case '\\': _sb.Append('\\'); break;
                        case '/': _sb.Append('/'); break;
                        case 'b': _sb.Append('\b'); break;
                        case 'f': _sb.Append('\f'); break;
                        case 'n': _sb.Append('\n'); break;
                        case 'r': _sb.Append('\r'); break;
                        case 't': _sb.Append('\t'); break;
                        case 'u':
                            if (Pos + 4 > _s.Length) throw new JsonException("Truncated \\u escape", Pos);
                            int code;
                            if (!int.TryParse(_s.Substring(Pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                                throw new JsonException("Invalid \\u escape", Pos);
                            _sb.Append((char)code);
                            Pos += 4;
                            break;
                        default: throw new JsonException("Invalid escape '\\" + e + "'", Pos - 1);
                    }
                }
                throw new JsonException("Unterminated string", start - 1);
            }

            private JsonValue ParseNumber()
            {
                int start = Pos;
                if (_s[Pos] == '-') Pos++;
                if (Pos >= _s.Length) throw new JsonException("Invalid number", start);
                if (_s[Pos] == '0')
                {
                    Pos++;
                    if (Pos < _s.Length && _s[Pos] >= '0' && _s[Pos] <= '9') throw new JsonException("Leading zeros are not allowed", start);
                }
                else if (_s[Pos] >= '1' && _s[Pos] <= '9') Digits();
                else throw new JsonException("Invalid number", start);
                if (Pos < _s.Length && _s[Pos] == '.')
                {
                    Pos++;
                    if (Digits() == 0) throw new JsonException("Digits expected after '.'", Pos);
                }
                if (Pos < _s.Length && (_s[Pos] == 'e' || _s[Pos] == 'E'))
                {
                    Pos++;
                    if (Pos < _s.Length && (_s[Pos] == '+' || _s[Pos] == '-')) Pos++;
                    if (Digits() == 0) throw new JsonException("Digits expected in exponent", Pos);
                }
                string text = _s.Substring(start, Pos - start);
                double d;
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out d) || double.IsInfinity(d))
                    throw new JsonException("Number out of range", start);
                return JsonValue.Number(text);
            }

            private int Digits()
            {
                int n = 0;
                while (Pos < _s.Length && _s[Pos] >= '0' && _s[Pos] <= '9') { Pos++; n++; }
                return n;
            }
        }
    }
}
