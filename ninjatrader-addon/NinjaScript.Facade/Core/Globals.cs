using System;
using System.IO;
using System.Windows.Threading;
using NinjaScriptFacade.Testing;

namespace NinjaTrader.Core
{
    /// <summary>NinjaTrader's global values (NinjaTrader.Core.Globals).</summary>
    public static class Globals
    {
        /// <summary>Documents\NinjaTrader 8\ (with the trailing separator). Facade: a folder under the temp directory.</summary>
        public static string UserDataDir
        {
            get { return Path.Combine(Path.GetTempPath(), "ninjascript-facade-userdata") + Path.DirectorySeparatorChar; }
        }

        /// <summary>The gtd value for orders without one (CreateOrder example). https://ninjatrader.com/support/helpGuides/nt8/createorder.htm</summary>
        public static readonly DateTime MaxDate = new DateTime(2099, 12, 1);

        /// <summary>General options (time zone of every NinjaTrader time). https://ninjatrader.com/support/helpGuides/nt8/general.htm</summary>
        public static GeneralOptions GeneralOptions { get; set; } = new GeneralOptions { TimeZoneInfo = TimeZoneInfo.Utc };

        /// <summary>A UI dispatcher for opening windows (AddOn framework example). https://ninjatrader.com/support/helpGuides/nt8/creating_your_own_addon_window.htm</summary>
        public static Dispatcher RandomDispatcher { get; set; }
    }

    /// <summary>https://ninjatrader.com/support/helpGuides/nt8/general.htm</summary>
    public class GeneralOptions
    {
        public TimeZoneInfo TimeZoneInfo { get; set; }
    }
}

namespace NinjaTrader.Code
{
    /// <summary>The NinjaScript Output window. https://ninjatrader.com/support/helpGuides/nt8/marketdata.htm (Output.Process in its example)</summary>
    public static class Output
    {
        public static void Process(string message, NinjaTrader.NinjaScript.PrintTo outputTab)
        {
            Recorder.Record("Output " + message);
        }
    }
}
