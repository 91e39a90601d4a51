using System;
using System.Collections.Generic;
using System.Globalization;

namespace EnigmaApex.Client.Json
{
    /// <summary>The kind of a parsed JSON value.</summary>
    public enum JsonKind { Null, Bool, Number, String, Array, Object }

    /// <summary>Thrown for text that is not valid JSON, or a value that is not of the expected shape.</summary>
    public sealed class JsonException : FormatException
    {
        /// <summary>Character offset in the input where the problem was found, or -1.</summary>
        public int Position { get; private set; }

        /// <summary>Creates the exception.</summary>
        public JsonException(string message, int position = -1)
            : base(position >= 0 ? message + " (at offset " + position.ToString(CultureInfo.InvariantCulture) + ")" : message)
        {
            Position = position;
        }
    }

    /// <summary>
    /// An immutable parsed JSON value. Numbers keep their source text, so integers (such as epoch
    /// microseconds, which exceed 2^53) are read exactly with <see cref="AsLong"/> and decimals
    /// with <see cref="AsDouble"/>. Object members keep their order; a duplicate name is an error.
    /// </summary>
    public sealed class JsonValue
    {
        /// <summary>The shared null value.</summary>
        public static readonly JsonValue NullValue = new JsonValue(JsonKind.Null, null, null, null);
        /// <summary>The shared true value.</summary>
        public static readonly JsonValue True = new JsonValue(JsonKind.Bool, "true", null, null);
        /// <summary>The shared false value.</summary>
        public static readonly JsonValue False = new JsonValue(JsonKind.Bool, "false", null, null);

        private static readonly IReadOnlyList<JsonValue> NoItems = new JsonValue[0];

        private readonly string _text;
        private readonly List<JsonValue> _items;
        private readonly List<KeyValuePair<string, JsonValue>> _members;
        private Dictionary<string, JsonValue> _index;

        private JsonValue(JsonKind kind, string text, List<JsonValue> items, List<KeyValuePair<string, JsonValue>> members)
        {
            Kind = kind;
            _text = text;
            _items = items;
            _members = members;
        }

        internal static JsonValue Number(string text) { return new JsonValue(JsonKind.Number, text, null, null); }
        internal static JsonValue String(string text) { return new JsonValue(JsonKind.String, text, null, null); }
        internal static JsonValue Array(List<JsonValue> items) { return new JsonValue(JsonKind.Array, null, items, null); }
        internal static JsonValue Object(List<KeyValuePair<string, JsonValue>> members, Dictionary<string, JsonValue> index)
        {
            var v = new JsonValue(JsonKind.Object, null, null, members);
            v._index = index;
            return v;
        }

        /// <summary>What kind of value this is.</summary>
        public JsonKind Kind { get; private set; }

        /// <summary>True for JSON null.</summary>
        public bool IsNull { get { return Kind == JsonKind.Null; } }

        /// <summary>The raw source text of a number (e.g. <c>1.5e3</c>).</summary>
        public string NumberText { get { Expect(JsonKind.Number); return _text; } }

        /// <summary>The string value.</summary>
        public string AsString()
        {
            Expect(JsonKind.String);
            return _text;
        }

        /// <summary>The boolean value.</summary>
        public bool AsBool()
        {
            Expect(JsonKind.Bool);
            return ReferenceEquals(this, True);
        }

        /// <summary>The number as an exact 64-bit integer; throws for fractions, exponents or overflow.</summary>
        public long AsLong()
        {
            Expect(JsonKind.Number);
            long v;
            if (!long.TryParse(_text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v))
                throw new JsonException("Expected an integer, got " + _text + ".");
            return v;
        }

        /// <summary>The number as a double (always finite: JSON has no NaN or infinity).</summary>
        public double AsDouble()
        {
            Expect(JsonKind.Number);
            double v = double.Parse(_text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (double.IsInfinity(v)) throw new JsonException("Number out of range: " + _text + ".");
            return v;
        }

        /// <summary>The elements of an array.</summary>
        public IReadOnlyList<JsonValue> Items
        {
            get { Expect(JsonKind.Array); return _items; }
        }

        /// <summary>The members of an object, in source order.</summary>
        public IReadOnlyList<KeyValuePair<string, JsonValue>> Members
        {
            get { Expect(JsonKind.Object); return _members; }
        }

        /// <summary>Number of array elements or object members; 0 for scalars.</summary>
        public int Count
        {
            get
            {
                if (Kind == JsonKind.Array) return _items.Count;
                if (Kind == JsonKind.Object) return _members.Count;
                return 0;
            }
        }

        /// <summary>True when this is an object with a member <paramref name="name"/>.</summary>
        public bool Has(string name)
        {
            return Kind == JsonKind.Object && _index.ContainsKey(name);
        }

        /// <summary>The member <paramref name="name"/>, or null when absent (JSON null is returned as <see cref="NullValue"/>).</summary>
        public JsonValue Get(string name)
        {
            Expect(JsonKind.Object);
            JsonValue v;
            return _index.TryGetValue(name, out v) ? v : null;
        }

        /// <summary>The member <paramref name="name"/>; throws when absent.</summary>
        public JsonValue Required(string name)
        {
            var v = Get(name);
            if (v == null) throw new JsonException("Missing field '" + name + "'.");
            return v;
        }

        /// <summary>Required string member.</summary>
        public string GetString(string name) { return Field(name, JsonKind.String).AsString(); }
        /// <summary>Required integer member.</summary>
        public long GetLong(string name) { return Field(name, JsonKind.Number).AsLong(); }
        /// <summary>Required number member.</summary>
        public double GetDouble(string name) { return Field(name, JsonKind.Number).AsDouble(); }
        /// <summary>Required boolean member.</summary>
        public bool GetBool(string name) { return Field(name, JsonKind.Bool).AsBool(); }

        /// <summary>Optional string member: null when absent or JSON null.</summary>
        public string GetStringOrNull(string name)
        {
            var v = Get(name);
            return v == null || v.IsNull ? null : Check(name, v, JsonKind.String).AsString();
        }

        /// <summary>Optional number member: null when absent or JSON null.</summary>
        public double? GetDoubleOrNull(string name)
        {
            var v = Get(name);
            return v == null || v.IsNull ? (double?)null : Check(name, v, JsonKind.Number).AsDouble();
        }

        /// <summary>Optional integer member: null when absent or JSON null.</summary>
        public long? GetLongOrNull(string name)
        {
            var v = Get(name);
            return v == null || v.IsNull ? (long?)null : Check(name, v, JsonKind.Number).AsLong();
        }

        /// <summary>Optional boolean member: null when absent or JSON null.</summary>
        public bool? GetBoolOrNull(string name)
        {
            var v = Get(name);
            return v == null || v.IsNull ? (bool?)null : Check(name, v, JsonKind.Bool).AsBool();
        }

        /// <summary>Optional array member: an empty list when absent or JSON null.</summary>
        public IReadOnlyList<JsonValue> GetArrayOrEmpty(string name)
        {
            var v = Get(name);
            return v == null || v.IsNull ? NoItems : Check(name, v, JsonKind.Array).Items;
        }

        /// <summary>Serialises the value back to compact JSON.</summary>
        public override string ToString()
        {
            var w = new JsonWriter();
            WriteTo(w);
            return w.ToString();
        }

        /// <summary>Writes this value to <paramref name="w"/>.</summary>
        public void WriteTo(JsonWriter w)
        {
            switch (Kind)
            {
                case JsonKind.Null: w.Null(); break;
                case JsonKind.Bool: w.Value(AsBool()); break;
                case JsonKind.Number: w.Raw(_text); break;
                case JsonKind.String: w.Value(_text); break;
                case JsonKind.Array:
                    w.StartArray();
                    foreach (var item in _items) item.WriteTo(w);
                    w.EndArray();
                    break;
                default:
                    w.StartObject();
                    foreach (var m in _members) { w.Name(m.Key); m.Value.WriteTo(w); }
                    w.EndObject();
                    break;
            }
        }

        private JsonValue Field(string name, JsonKind kind)
        {
            return Check(name, Required(name), kind);
        }

        private static JsonValue Check(string name, JsonValue v, JsonKind kind)
        {
            if (v.Kind != kind)
                throw new JsonException("Field '" + name + "' must be " + KindName(kind) + ", got " + KindName(v.Kind) + ".");
            return v;
        }

        private void Expect(JsonKind kind)
        {
            if (Kind != kind) throw new JsonException("Expected " + KindName(kind) + ", got " + KindName(Kind) + ".");
        }

        private static string KindName(JsonKind kind)
        {
            switch (kind)
            {
                case JsonKind.Null: return "null";
                case JsonKind.Bool: return "a boolean";
                case JsonKind.Number: return "a number";
                case JsonKind.String: return "a string";
                case JsonKind.Array: return "an array";
                default: return "an object";
            }
        }
    }
}
