using System;
using System.Collections.Generic;
using System.Globalization;
using EnigmaApex.Client.Json;
using EnigmaApex.Client.Protocol;

namespace EnigmaApex.Client.Bridge
{
    /// <summary>
    /// A reference to one value of the Enigma indicator: a plot by name (<c>"Signal"</c>) or by
    /// index (<c>"#0"</c>), optionally shifted (<c>bars_ago</c>), optionally scaled.
    /// </summary>
    public sealed class PlotRef
    {
        public string Plot { get; private set; }
        public int BarsAgo { get; private set; }
        public double Scale { get; private set; }

        /// <summary>Index when <see cref="Plot"/> is <c>#n</c>, else -1.</summary>
        public int Index
        {
            get
            {
                int i;
                return Plot.StartsWith("#", StringComparison.Ordinal) && int.TryParse(Plot.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out i) ? i : -1;
            }
        }

        internal static PlotRef Parse(JsonValue v, string field)
        {
            if (v == null || v.IsNull) return null;
            if (v.Kind == JsonKind.String) return new PlotRef { Plot = v.AsString(), Scale = 1 };
            if (v.Kind != JsonKind.Object) throw new JsonException("signal_mapping." + field + " must be a plot name or { \"plot\": … }.");
            return new PlotRef
            {
                Plot = v.GetString("plot"),
                BarsAgo = (int)(v.GetLongOrNull("bars_ago") ?? 0),
                Scale = v.GetDoubleOrNull("scale") ?? 1,
            };
        }
    }

    /// <summary>A comparison such as <c>&gt; 0</c>, <c>&gt;= 2</c>, <c>== 1</c>, <c>!= 0</c>, <c>&lt; 0</c>.</summary>
    public sealed class Condition
    {
        private readonly string _op;
        private readonly double _value;

        private Condition(string op, double value) { _op = op; _value = value; }

        /// <summary>Parses <paramref name="text"/>; throws <see cref="JsonException"/> naming <paramref name="field"/> when invalid.</summary>
        public static Condition Parse(string text, string field)
        {
            string t = (text ?? "").Trim();
            foreach (var op in new[] { ">=", "<=", "==", "!=", ">", "<" })
            {
                if (!t.StartsWith(op, StringComparison.Ordinal)) continue;
                double v;
                if (double.TryParse(t.Substring(op.Length).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v))
                    return new Condition(op, v);
                break;
            }
            throw new JsonException("signal_mapping." + field + ": '" + text + "' is not a comparison like \"> 0\" or \">= 2\".");
        }

        /// <summary>True when <paramref name="x"/> satisfies the comparison (NaN never does).</summary>
        public bool Test(double x)
        {
            if (double.IsNaN(x)) return false;
            switch (_op)
            {
                case ">=": return x >= _value;
                case "<=": return x <= _value;
                case "==": return x == _value;
                case "!=": return x != _value;
                case ">": return x > _value;
                default: return x < _value;
            }
        }

        public override string ToString() { return _op + " " + _value.ToString(CultureInfo.InvariantCulture); }
    }

    /// <summary>
    /// How the EnigmaBridge indicator turns the Enigma indicator's plots into Signal fields. The
    /// Enigma indicator's internals are not published, so the mapping is configuration (the
    /// <c>signal_mapping</c> object of the settings file, documented in the README). Defaults:
    /// <code>
    /// { "indicator": "Enigma",
    ///   "direction":  { "plot": "Signal", "long_when": "&gt; 0", "short_when": "&lt; 0" },
    ///   "strength":   { "plot": "Strength", "strong_when": "&gt;= 2" },
    ///   "power":      "Power",
    ///   "confluence": "Confluence",
    ///   "stop":       "Stop",
    ///   "targets":    ["Target1", "Target2", "Target3"],
    ///   "price":      "close",
    ///   "metadata":   {} }
    /// </code>
    /// Rules: (1) a bar with a direction neither long nor short emits nothing; (2) one signal per
    /// bar and direction (a repeat on the same bar, as with Calculate.OnEachTick, is suppressed);
    /// (3) confluence is rounded and clamped to 1–4, power defaults to 0, a missing or NaN stop
    /// or target is omitted; (4) strength is <c>strong</c> when its condition holds, else normal.
    /// </summary>
    public sealed class SignalMapping
    {
        public string Indicator { get; private set; }
        public string Source { get; private set; }
        public PlotRef Direction { get; private set; }
        public Condition LongWhen { get; private set; }
        public Condition ShortWhen { get; private set; }
        public PlotRef Strength { get; private set; }
        public Condition StrongWhen { get; private set; }
        public PlotRef Power { get; private set; }
        public PlotRef Confluence { get; private set; }
        /// <summary>Null means the bar's close.</summary>
        public PlotRef Price { get; private set; }
        public PlotRef Stop { get; private set; }
        public IList<PlotRef> Targets { get; private set; }
        public IDictionary<string, PlotRef> Metadata { get; private set; }

        /// <summary>The default mapping (see the class summary).</summary>
        public static SignalMapping Default()
        {
            return Parse(JsonReader.Parse("{}"));
        }

        /// <summary>Reads a <c>signal_mapping</c> object; absent fields take their defaults.</summary>
        public static SignalMapping Parse(JsonValue o)
        {
            if (o == null || o.IsNull) o = JsonReader.Parse("{}");
            if (o.Kind != JsonKind.Object) throw new JsonException("signal_mapping must be an object.");
            var m = new SignalMapping
            {
                Indicator = o.GetStringOrNull("indicator") ?? "Enigma",
                Source = o.GetStringOrNull("source") ?? "enigma",
                Targets = new List<PlotRef>(),
                Metadata = new Dictionary<string, PlotRef>(StringComparer.Ordinal),
            };

            var dir = o.Get("direction");
            m.Direction = PlotRef.Parse(dir, "direction") ?? PlotRef.Parse(JsonValueOf("\"Signal\""), "direction");
            m.LongWhen = Condition.Parse(dir != null && dir.Kind == JsonKind.Object ? dir.GetStringOrNull("long_when") ?? "> 0" : "> 0", "direction.long_when");
            m.ShortWhen = Condition.Parse(dir != null && dir.Kind == JsonKind.Object ? dir.GetStringOrNull("short_when") ?? "< 0" : "< 0", "direction.short_when");

            var str = o.Get("strength");
            m.Strength = str != null && str.IsNull ? null : PlotRef.Parse(str, "strength") ?? PlotRef.Parse(JsonValueOf("\"Strength\""), "strength");
            m.StrongWhen = Condition.Parse(str != null && str.Kind == JsonKind.Object ? str.GetStringOrNull("strong_when") ?? ">= 2" : ">= 2", "strength.strong_when");

            m.Power = Optional(o, "power", "Power");
            m.Confluence = Optional(o, "confluence", "Confluence");
            m.Stop = Optional(o, "stop", "Stop");
            var price = o.Get("price");
            m.Price = price == null || price.IsNull || (price.Kind == JsonKind.String && price.AsString() == "close") ? null : PlotRef.Parse(price, "price");

            var targets = o.Get("targets");
            if (targets == null)
            {
                foreach (var t in new[] { "Target1", "Target2", "Target3" }) m.Targets.Add(PlotRef.Parse(JsonValueOf("\"" + t + "\""), "targets"));
            }
            else if (!targets.IsNull)
            {
                if (targets.Kind != JsonKind.Array) throw new JsonException("signal_mapping.targets must be an array.");
                foreach (var t in targets.Items) m.Targets.Add(PlotRef.Parse(t, "targets"));
            }

            var meta = o.Get("metadata");
            if (meta != null && !meta.IsNull)
            {
                if (meta.Kind != JsonKind.Object) throw new JsonException("signal_mapping.metadata must be an object.");
                foreach (var kv in meta.Members) m.Metadata[kv.Key] = PlotRef.Parse(kv.Value, "metadata." + kv.Key);
            }
            return m;
        }

        /// <summary>
        /// Maps one bar. <paramref name="read"/> returns a plot's value <c>bars_ago</c> bars back, or
        /// NaN when there is no such plot or value. Returns null when the bar carries no signal.
        /// </summary>
        public SignalMessage Map(Func<PlotRef, double> read, string symbol, long ts, double close)
        {
            double d = Read(read, Direction);
            string direction = LongWhen.Test(d) ? "long" : ShortWhen.Test(d) ? "short" : null;
            if (direction == null) return null;

            var s = new SignalMessage
            {
                Ts = ts,
                Source = Source,
                Symbol = symbol,
                Direction = direction,
                Strength = Strength != null && StrongWhen.Test(Read(read, Strength)) ? "strong" : "normal",
                Power = Finite(Read(read, Power), 0),
                Confluence = ClampConfluence(Read(read, Confluence)),
                Price = Price == null ? close : Finite(Read(read, Price), close),
            };
            double stop = Read(read, Stop);
            if (IsUsable(stop)) s.Stop = stop;
            var targets = new List<double>();
            foreach (var t in Targets)
            {
                double v = Read(read, t);
                if (IsUsable(v)) targets.Add(v);
            }
            if (targets.Count > 0) s.Targets = targets;
            if (Metadata.Count > 0)
            {
                var meta = new Dictionary<string, object>(StringComparer.Ordinal);
                foreach (var kv in Metadata)
                {
                    double v = Read(read, kv.Value);
                    if (!double.IsNaN(v) && !double.IsInfinity(v)) meta[kv.Key] = v;
                }
                if (meta.Count > 0) s.Metadata = meta;
            }
            return s;
        }

        private static double Read(Func<PlotRef, double> read, PlotRef r)
        {
            if (r == null) return double.NaN;
            return read(r) * r.Scale;
        }

        private static bool IsUsable(double v)
        {
            return !double.IsNaN(v) && !double.IsInfinity(v) && v > 0;
        }

        private static double Finite(double v, double fallback)
        {
            return double.IsNaN(v) || double.IsInfinity(v) ? fallback : v;
        }

        private static int ClampConfluence(double v)
        {
            if (double.IsNaN(v) || double.IsInfinity(v)) return 1;
            int c = (int)Math.Round(v, MidpointRounding.AwayFromZero);
            return c < 1 ? 1 : c > 4 ? 4 : c;
        }

        private static PlotRef Optional(JsonValue o, string field, string defaultPlot)
        {
            var v = o.Get(field);
            if (v == null) return PlotRef.Parse(JsonValueOf("\"" + defaultPlot + "\""), field);
            return PlotRef.Parse(v, field); // explicit null disables the field
        }

        private static JsonValue JsonValueOf(string json) { return JsonReader.Parse(json); }
    }

    /// <summary>Rule 2 of <see cref="SignalMapping"/>: one signal per bar and direction.</summary>
    public sealed class SignalDeduplicator
    {
        private int _lastBar = -1;
        private string _lastDirection;

        /// <summary>True when a signal in <paramref name="direction"/> on bar <paramref name="barIndex"/> should be sent.</summary>
        public bool ShouldEmit(int barIndex, string direction)
        {
            if (barIndex == _lastBar && direction == _lastDirection) return false;
            _lastBar = barIndex;
            _lastDirection = direction;
            return true;
        }
    }
}
