using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace EnigmaApex.Client.Json
{
    /// <summary>
    /// A small forward-only JSON writer. Hand-written because the JSON libraries bundled with
    /// NinjaTrader 8 differ between releases. Commas and nesting are tracked, so a caller cannot
    /// produce invalid JSON by forgetting a separator; numbers are written with the invariant
    /// culture; integers stay integers (<see cref="long"/>); doubles round-trip exactly;
    /// NaN and infinities are rejected, because JSON cannot carry them.
    /// </summary>
    public sealed class JsonWriter
    {
        private enum Scope { Object, Array }

        private readonly StringBuilder _sb;
        private readonly Stack<Scope> _scopes = new Stack<Scope>();
        private bool _needComma;
        private bool _afterName;
        private bool _rootDone;

        /// <summary>Creates a writer over a new buffer.</summary>
        public JsonWriter() : this(new StringBuilder(256)) { }

        /// <summary>Creates a writer that appends to <paramref name="sb"/>.</summary>
        public JsonWriter(StringBuilder sb)
        {
            if (sb == null) throw new ArgumentNullException("sb");
            _sb = sb;
        }

        /// <summary>The text written so far.</summary>
        public override string ToString() { return _sb.ToString(); }

        /// <summary>Clears the buffer and the nesting state so the writer can be reused.</summary>
        public void Reset()
        {
            _sb.Clear();
            _scopes.Clear();
            _needComma = false;
            _afterName = false;
            _rootDone = false;
        }

        /// <summary>True when every object and array opened has been closed and a value was written.</summary>
        public bool IsComplete { get { return _scopes.Count == 0 && _rootDone; } }

        /// <summary>Opens an object: <c>{</c>.</summary>
        public JsonWriter StartObject()
        {
            BeforeValue();
            _sb.Append('{');
            _scopes.Push(Scope.Object);
            _needComma = false;
            _afterName = false;
            return this;
        }

        /// <summary>Closes the innermost object: <c>}</c>.</summary>
        public JsonWriter EndObject()
        {
            if (_scopes.Count == 0 || _scopes.Peek() != Scope.Object || _afterName)
                throw new InvalidOperationException("EndObject without a matching StartObject (or after a property name with no value).");
            _scopes.Pop();
            _sb.Append('}');
            AfterValue();
            return this;
        }

        /// <summary>Opens an array: <c>[</c>.</summary>
        public JsonWriter StartArray()
        {
            BeforeValue();
            _sb.Append('[');
            _scopes.Push(Scope.Array);
            _needComma = false;
            _afterName = false;
            return this;
        }

        /// <summary>Closes the innermost array: <c>]</c>.</summary>
        public JsonWriter EndArray()
        {
            if (_scopes.Count == 0 || _scopes.Peek() != Scope.Array)
                throw new InvalidOperationException("EndArray without a matching StartArray.");
            _scopes.Pop();
            _sb.Append(']');
            AfterValue();
            return this;
        }

        /// <summary>Writes a property name inside an object; a value must follow.</summary>
        public JsonWriter Name(string name)
        {
            if (name == null) throw new ArgumentNullException("name");
            if (_scopes.Count == 0 || _scopes.Peek() != Scope.Object || _afterName)
                throw new InvalidOperationException("A property name is only valid directly inside an object.");
            if (_needComma) _sb.Append(',');
            AppendQuoted(_sb, name);
            _sb.Append(':');
            _afterName = true;
            return this;
        }

        /// <summary>Writes a string value, or null when <paramref name="value"/> is null.</summary>
        public JsonWriter Value(string value)
        {
            if (value == null) return Null();
            BeforeValue();
            AppendQuoted(_sb, value);
            AfterValue();
            return this;
        }

        /// <summary>Writes an integer value exactly.</summary>
        public JsonWriter Value(long value)
        {
            BeforeValue();
            _sb.Append(value.ToString(CultureInfo.InvariantCulture));
            AfterValue();
            return this;
        }

        /// <summary>Writes an integer value exactly.</summary>
        public JsonWriter Value(int value) { return Value((long)value); }

        /// <summary>Writes a double so that parsing it back yields the same bits. NaN and infinities throw.</summary>
        public JsonWriter Value(double value)
        {
            BeforeValue();
            _sb.Append(FormatDouble(value));
            AfterValue();
            return this;
        }

        /// <summary>Writes <c>true</c> or <c>false</c>.</summary>
        public JsonWriter Value(bool value)
        {
            BeforeValue();
            _sb.Append(value ? "true" : "false");
            AfterValue();
            return this;
        }

        /// <summary>Writes <c>null</c>.</summary>
        public JsonWriter Null()
        {
            BeforeValue();
            _sb.Append("null");
            AfterValue();
            return this;
        }

        /// <summary>Writes already-serialised JSON verbatim as one value (the caller guarantees it is valid).</summary>
        public JsonWriter Raw(string json)
        {
            if (json == null) throw new ArgumentNullException("json");
            BeforeValue();
            _sb.Append(json);
            AfterValue();
            return this;
        }

        /// <summary>Shorthand for <c>Name(name).Value(value)</c>; a required string, so null throws (use <see cref="OptionalProperty(string, string)"/>).</summary>
        public JsonWriter Property(string name, string value)
        {
            if (value == null) throw new ArgumentNullException(name, "Required field '" + name + "' is null.");
            return Name(name).Value(value);
        }
        /// <summary>Shorthand for <c>Name(name).Value(value)</c>.</summary>
        public JsonWriter Property(string name, long value) { return Name(name).Value(value); }
        /// <summary>Shorthand for <c>Name(name).Value(value)</c>.</summary>
        public JsonWriter Property(string name, int value) { return Name(name).Value((long)value); }
        /// <summary>Shorthand for <c>Name(name).Value(value)</c>.</summary>
        public JsonWriter Property(string name, double value) { return Name(name).Value(value); }
        /// <summary>Shorthand for <c>Name(name).Value(value)</c>.</summary>
        public JsonWriter Property(string name, bool value) { return Name(name).Value(value); }

        /// <summary>Writes the property only when <paramref name="value"/> has a value (optional fields are omitted, not null).</summary>
        public JsonWriter OptionalProperty(string name, double? value)
        {
            if (value.HasValue) Name(name).Value(value.Value);
            return this;
        }

        /// <summary>Writes the property only when <paramref name="value"/> is not null.</summary>
        public JsonWriter OptionalProperty(string name, string value)
        {
            if (value != null) Name(name).Value(value);
            return this;
        }

        /// <summary>Writes the property only when <paramref name="value"/> has a value.</summary>
        public JsonWriter OptionalProperty(string name, long? value)
        {
            if (value.HasValue) Name(name).Value(value.Value);
            return this;
        }

        /// <summary>
        /// Formats a finite double with the invariant culture so that it round-trips: the shortest
        /// "R" form when it parses back to the same value (always on .NET Core 3.0+), else G17
        /// (older .NET Framework "R" has known cases that do not round-trip).
        /// </summary>
        public static string FormatDouble(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException("value", value, "JSON cannot represent NaN or infinity.");
            string r = value.ToString("R", CultureInfo.InvariantCulture);
            double back;
            if (!double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out back) || !BitEquals(back, value))
                r = value.ToString("G17", CultureInfo.InvariantCulture);
            // "-0" and "1E+20" are valid JSON numbers; nothing else to fix.
            return r;
        }

        private static bool BitEquals(double a, double b)
        {
            return BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
        }

        /// <summary>Appends <paramref name="s"/> as a quoted JSON string with the required escapes.</summary>
        public static void AppendQuoted(StringBuilder sb, string s)
        {
            sb.Append('"');
            int start = 0;
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                string esc = null;
                switch (c)
                {
                    case '"': esc = "\\\""; break;
                    case '\\': esc = "\\\\"; break;
                    case '\n': esc = "\\n"; break;
                    case '\r': esc = "\\r"; break;
                    case '\t': esc = "\\t"; break;
                    case '\b': esc = "\\b"; break;
                    case '\f': esc = "\\f"; break;
                    default:
                        // Control characters must be escaped; U+2028/2029 are escaped so the text is
                        // also safe to embed in JavaScript; lone surrogates would make invalid UTF-8.
                        if (c < 0x20 || c == '\u2028' || c == '\u2029') esc = UnicodeEscape(c);
                        else if (char.IsSurrogate(c))
                        {
                            bool paired = char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]);
                            if (paired) { i++; continue; }
                            esc = UnicodeEscape(c);
                        }
                        break;
                }
                if (esc == null) continue;
                if (i > start) sb.Append(s, start, i - start);
                sb.Append(esc);
                start = i + 1;
            }
            if (start < s.Length) sb.Append(s, start, s.Length - start);
            sb.Append('"');
        }

        private static string UnicodeEscape(char c)
        {
            return "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture);
        }

        private void BeforeValue()
        {
            if (_scopes.Count == 0)
            {
                if (_rootDone) throw new InvalidOperationException("Only one root value may be written.");
                return;
            }
            if (_scopes.Peek() == Scope.Object)
            {
                if (!_afterName) throw new InvalidOperationException("A value inside an object needs a property name first.");
                return;
            }
            if (_needComma) _sb.Append(',');
        }

        private void AfterValue()
        {
            _afterName = false;
            _needComma = true;
            if (_scopes.Count == 0) _rootDone = true;
        }
    }
}
