// Compiled by NinjaTrader 8.1+ (C# 7.3); checked in CI against ninjatrader-addon/NinjaScript.Facade.
// The client core (EnigmaApex.Client.*) ships beside it as source in the import zip.
#region Using declarations
using System;
using System.IO;
using System.Threading.Tasks;
using EnigmaApex.Client;
using EnigmaApex.Client.Bridge;
using EnigmaApex.Client.Transport;
#endregion

namespace NinjaTrader.NinjaScript.AddOns.EnigmaApexBridge
{
    /// <summary>NinjaTrader's times are wall-clock times of the zone in its General options.</summary>
    public static class NtTime
    {
        public static long ToMicros(DateTime time)
        {
            var zone = NinjaTrader.Core.Globals.GeneralOptions.TimeZoneInfo ?? TimeZoneInfo.Local;
            return Clock.ToMicros(time, zone);
        }
    }

    /// <summary>
    /// The one engine link of this NinjaTrader process: client, command dispatcher, broker,
    /// market data feed. NinjaTrader reruns AddOn lifecycles on every NinjaScript compile (and
    /// loads the newly compiled assembly beside the old one), so Start and Stop are idempotent and
    /// reference-counted, and the AddOn stops its host when it terminates. Stopping never blocks the
    /// caller (the UI thread on compile and exit): the link drains and closes in the background.
    /// </summary>
    public sealed class EnigmaApexHost
    {
        private static readonly object Gate = new object();
        private static EnigmaApexHost _instance;
        private static int _users;

        public static string SettingsPath
        {
            get
            {
                return Path.Combine(NinjaTrader.Core.Globals.UserDataDir, "EnigmaApex", "settings.json");
            }
        }

        /// <summary>The running host, or null.</summary>
        public static EnigmaApexHost Current { get { lock (Gate) return _instance; } }

        public AddOnSettings Settings { get; private set; }
        public EnigmaClient Client { get; private set; }
        public CommandDispatcher Dispatcher { get; private set; }
        public NinjaTraderBroker Broker { get; private set; }
        public MarketDataFeed MarketData { get; private set; }
        public string LastError { get; private set; }

        /// <summary>Raised (on any thread) for each line worth showing in the window and the Output tab.</summary>
        public event Action<string> Log;

        /// <summary>Starts the host if it is not running; every call must be matched by <see cref="Release"/>.</summary>
        public static EnigmaApexHost Acquire()
        {
            lock (Gate)
            {
                _users++;
                if (_instance == null)
                {
                    var host = new EnigmaApexHost();
                    host.Start();
                    _instance = host;
                }
                return _instance;
            }
        }

        /// <summary>Stops the host when its last user releases it.</summary>
        public static void Release()
        {
            EnigmaApexHost stopping = null;
            lock (Gate)
            {
                if (_users > 0) _users--;
                if (_users == 0 && _instance != null)
                {
                    stopping = _instance;
                    _instance = null;
                }
            }
            if (stopping != null) stopping.Stop();
        }

        private void Start()
        {
            try
            {
                Settings = AddOnSettings.Load(SettingsPath);
            }
            catch (Exception e)
            {
                LastError = "Settings file " + SettingsPath + ": " + e.Message;
                Print(LastError);
                Settings = new AddOnSettings { AutoConnect = false };
            }
            var options = Settings.ToClientOptions();
            options.ClientName = "EnigmaApexAddOn";
            Client = new EnigmaClient(options);
            Client.Log += Print;
            Client.StateChanged += (state, detail) => Print("connection: " + state + " (" + detail + ")");
            Broker = new NinjaTraderBroker(Client, Settings, Print);
            Dispatcher = new CommandDispatcher(Client, Broker);
            Dispatcher.Log += Print;
            // Attach first: the registry is seeded from the attached accounts' orders, so a restart
            // never submits an order NinjaTrader already has. Accounts that log in later are seeded
            // when they attach, before the engine can address them.
            Broker.AccountAttached += account => Dispatcher.Orders.Seed(NinjaTraderBroker.KnownOrderNames(account));
            Broker.Attach();
            Dispatcher.Orders.Seed(Broker.KnownOrderNames());
            MarketData = new MarketDataFeed(Client, Print);
            foreach (var instrument in Settings.Instruments) MarketData.Subscribe(instrument.Symbol, instrument.Streams, instrument.BarPeriodSeconds);
            if (Settings.AutoConnect) Connect();
        }

        /// <summary>Connects (idempotent).</summary>
        public void Connect()
        {
            if (Client.Options.Endpoint == null) return;
            if (string.IsNullOrEmpty(Client.Options.Token))
            {
                LastError = "No token: set \"token\" in " + SettingsPath + " or the " + Settings.TokenEnvironmentVariable + " environment variable.";
                Print(LastError);
                return;
            }
            Client.Start();
        }

        /// <summary>Disconnects, draining for up to two seconds, in the background (idempotent); the task ends when the link is closed.</summary>
        public Task DisconnectAsync()
        {
            var stopping = Client.StopAsync(TimeSpan.FromSeconds(2));
            stopping.ContinueWith(t => Print("disconnect: " + t.Exception.GetBaseException().Message), TaskContinuationOptions.OnlyOnFaulted);
            return stopping;
        }

        private void Stop()
        {
            try
            {
                MarketData.Dispose();
                Broker.Detach();
                Dispatcher.Detach();
            }
            catch (Exception e)
            {
                Print("stop: " + e.Message);
            }
            // Not waited for: NinjaTrader calls this on its UI thread on every compile and on exit.
            DisconnectAsync();
        }

        private void Print(string line)
        {
            try { NinjaTrader.Code.Output.Process("Enigma-Apex: " + line, PrintTo.OutputTab1); }
            catch (Exception) { }
            var h = Log;
            if (h != null)
            {
                try { h(line); } catch (Exception) { }
            }
        }
    }
}
