using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using EnigmaApex.Client.Json;

namespace EnigmaApex.Client.Bridge
{
    /// <summary>One instrument to stream without a chart.</summary>
    public sealed class InstrumentSetting
    {
        /// <summary>NinjaTrader name, e.g. <c>NQ 12-26</c>.</summary>
        public string Symbol { get; set; }
        /// <summary>Subset of <c>tick</c>, <c>quote</c>, <c>bar</c>.</summary>
        public IList<string> Streams { get; set; }
        /// <summary>Period of the <c>bar</c> stream, seconds (default 60).</summary>
        public int BarPeriodSeconds { get; set; }
    }

    /// <summary>
    /// The AddOn's settings file (<c>Documents\NinjaTrader 8\EnigmaApex\settings.json</c>), read with
    /// the hand-written JSON reader. Unknown fields are errors so that a typo is not silently
    /// ignored. See the README for every field.
    /// </summary>
    public sealed class AddOnSettings
    {
        private static readonly HashSet<string> Known = new HashSet<string>(StringComparer.Ordinal)
        {
            "endpoint", "token", "token_env", "accounts", "instruments", "auto_connect", "buffer_capacity", "signal_mapping",
        };

        public AddOnSettings()
        {
            Endpoint = new Uri("ws://127.0.0.1:8686/v1/stream");
            TokenEnvironmentVariable = "ENIGMA_TOKEN";
            Accounts = new List<string>();
            Instruments = new List<InstrumentSetting>();
            AutoConnect = true;
            BufferCapacity = 200000;
            SignalMapping = SignalMapping.Default();
        }

        public Uri Endpoint { get; set; }
        /// <summary>The bearer token written in the file (prefer <see cref="TokenEnvironmentVariable"/>).</summary>
        public string Token { get; set; }
        /// <summary>Environment variable holding the token when <see cref="Token"/> is empty.</summary>
        public string TokenEnvironmentVariable { get; set; }
        public IList<string> Accounts { get; set; }
        public IList<InstrumentSetting> Instruments { get; set; }
        public bool AutoConnect { get; set; }
        public int BufferCapacity { get; set; }
        public SignalMapping SignalMapping { get; set; }

        /// <summary>The token to present: <see cref="Token"/>, else the environment variable's value.</summary>
        public string ResolveToken()
        {
            if (!string.IsNullOrEmpty(Token)) return Token;
            return string.IsNullOrEmpty(TokenEnvironmentVariable) ? null : Environment.GetEnvironmentVariable(TokenEnvironmentVariable);
        }

        /// <summary>Reads the file; a missing file gives the defaults.</summary>
        public static AddOnSettings Load(string path)
        {
            if (!File.Exists(path)) return new AddOnSettings();
            return Parse(File.ReadAllText(path, Encoding.UTF8));
        }

        /// <summary>Parses settings JSON; throws <see cref="JsonException"/> naming the problem.</summary>
        public static AddOnSettings Parse(string json)
        {
            var o = JsonReader.Parse(json);
            if (o.Kind != JsonKind.Object) throw new JsonException("The settings file must hold one JSON object.");
            foreach (var m in o.Members)
                if (!Known.Contains(m.Key)) throw new JsonException("Unknown setting '" + m.Key + "'.");
            var s = new AddOnSettings();
            var endpoint = o.GetStringOrNull("endpoint");
            if (endpoint != null)
            {
                Uri uri;
                if (!Uri.TryCreate(endpoint, UriKind.Absolute, out uri) || (uri.Scheme != "ws" && uri.Scheme != "wss"))
                    throw new JsonException("endpoint must be a ws:// or wss:// URL, got '" + endpoint + "'.");
                s.Endpoint = uri;
            }
            s.Token = o.GetStringOrNull("token");
            s.TokenEnvironmentVariable = o.GetStringOrNull("token_env") ?? s.TokenEnvironmentVariable;
            foreach (var a in o.GetArrayOrEmpty("accounts")) s.Accounts.Add(a.AsString());
            foreach (var i in o.GetArrayOrEmpty("instruments"))
            {
                var setting = new InstrumentSetting { Streams = new List<string>(), BarPeriodSeconds = 60 };
                if (i.Kind == JsonKind.String) { setting.Symbol = i.AsString(); setting.Streams.Add("tick"); }
                else
                {
                    setting.Symbol = i.GetString("symbol");
                    foreach (var st in i.GetArrayOrEmpty("streams"))
                    {
                        string name = st.AsString();
                        if (name != "tick" && name != "quote" && name != "bar") throw new JsonException("instruments[].streams: '" + name + "' is not tick, quote or bar.");
                        setting.Streams.Add(name);
                    }
                    setting.BarPeriodSeconds = (int)(i.GetLongOrNull("bar_period_seconds") ?? 60);
                    if (setting.BarPeriodSeconds < 1) throw new JsonException("instruments[].bar_period_seconds must be at least 1.");
                    if (setting.Streams.Count == 0) setting.Streams.Add("tick");
                }
                s.Instruments.Add(setting);
            }
            s.AutoConnect = o.GetBoolOrNull("auto_connect") ?? true;
            s.BufferCapacity = (int)(o.GetLongOrNull("buffer_capacity") ?? s.BufferCapacity);
            if (s.BufferCapacity < 1000) throw new JsonException("buffer_capacity must be at least 1000.");
            s.SignalMapping = SignalMapping.Parse(o.Get("signal_mapping"));
            return s;
        }

        /// <summary>Client options from these settings.</summary>
        public EnigmaClientOptions ToClientOptions()
        {
            var o = new EnigmaClientOptions { Endpoint = Endpoint, Token = ResolveToken(), BufferCapacity = BufferCapacity };
            foreach (var a in Accounts) o.Accounts.Add(a);
            return o;
        }
    }
}
