using System;
using EnigmaApex.Client.Json;
using Xunit;

namespace EnigmaApex.Client.Tests
{
    /// <summary>Compares JSON texts by meaning: same members (any order), numbers by value.</summary>
    internal static class JsonAssert
    {
        public static void Equivalent(string expected, string actual)
        {
            var e = JsonReader.Parse(expected);
            var a = JsonReader.Parse(actual);
            string path = Compare(e, a, "$");
            if (path != null) Assert.Fail("JSON differs at " + path + "\nexpected: " + expected + "\nactual:   " + actual);
        }

        private static string Compare(JsonValue e, JsonValue a, string path)
        {
            if (e.Kind != a.Kind) return path;
            switch (e.Kind)
            {
                case JsonKind.Null: return null;
                case JsonKind.Bool: return e.AsBool() == a.AsBool() ? null : path;
                case JsonKind.String: return e.AsString() == a.AsString() ? null : path;
                case JsonKind.Number: return e.AsDouble() == a.AsDouble() ? null : path;
                case JsonKind.Array:
                    if (e.Count != a.Count) return path + ".length";
                    for (int i = 0; i < e.Count; i++)
                    {
                        var p = Compare(e.Items[i], a.Items[i], path + "[" + i + "]");
                        if (p != null) return p;
                    }
                    return null;
                default:
                    if (e.Count != a.Count) return path + " (member count " + e.Count + " vs " + a.Count + ")";
                    foreach (var m in e.Members)
                    {
                        var other = a.Get(m.Key);
                        if (other == null) return path + "." + m.Key + " (missing)";
                        var p = Compare(m.Value, other, path + "." + m.Key);
                        if (p != null) return p;
                    }
                    return null;
            }
        }
    }
}
