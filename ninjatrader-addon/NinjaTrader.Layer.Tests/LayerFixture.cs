using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using EnigmaApex.Client;
using EnigmaApex.Client.Json;
using EnigmaApex.Client.Protocol;
using NinjaScriptFacade.Testing;
using NinjaTrader.Cbi;
using Xunit;

// The facade's Account.All, Instrument.All and Recorder are static, as NinjaTrader's are.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace NinjaTrader.Layer.Tests
{
    /// <summary>Plays NinjaTrader's side for the layer under test: accounts, instruments, events.</summary>
    internal static class Nt
    {
        public static void Reset()
        {
            Recorder.Clear();
            lock (Account.All) Account.All.Clear();
            lock (Instrument.All) Instrument.All.Clear();
        }

        public static Account AddAccount(string name, params string[] orderNames)
        {
            var a = new Account { Name = name, ConnectionStatus = ConnectionStatus.Connected };
            foreach (var o in orderNames) a.Orders.Add(new Order { Name = o, Account = a, OrderState = OrderState.Working });
            lock (Account.All) Account.All.Add(a);
            return a;
        }

        public static Instrument AddInstrument(string name)
        {
            var i = new Instrument { FullName = name, Dispatcher = new System.Windows.Threading.Dispatcher() };
            lock (Instrument.All) Instrument.All.Add(i);
            return i;
        }

        public static EnigmaClient Client()
        {
            return new EnigmaClient(new EnigmaClientOptions { Endpoint = new Uri("ws://127.0.0.1:1/v1/stream") });
        }

        /// <summary>The messages the layer queued for the engine, of one type.</summary>
        public static List<JsonValue> Sent(EnigmaClient client, string type)
        {
            return client.Buffer.Snapshot().Select(m => JsonReader.Parse(m.Json)).Where(v => v.GetString("type") == type).ToList();
        }

        public static OrderSpec Spec(string json)
        {
            return ((OrderCommand)ProtocolCodec.DecodeFrame(json)[0]).Order;
        }

        /// <summary>The calls NinjaTrader was asked to make, without Output prints.</summary>
        public static List<string> Calls()
        {
            return Recorder.Calls.Where(c => !c.StartsWith("Output ", StringComparison.Ordinal)).ToList();
        }

        public static void WaitUntil(Func<bool> condition, string what)
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (!condition())
            {
                if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
                Thread.Sleep(10);
            }
        }

        public static void WriteSettings(string json)
        {
            var dir = Path.Combine(NinjaTrader.Core.Globals.UserDataDir, "EnigmaApex");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "settings.json"), json);
        }
    }
}
