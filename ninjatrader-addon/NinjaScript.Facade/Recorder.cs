using System.Collections.Generic;

namespace NinjaScriptFacade.Testing
{
    /// <summary>
    /// Not part of NinjaTrader: where the facade's Account and market-data members write what they
    /// were asked to do, in order, so that a test can check the order of calls. Lives in a namespace
    /// the NinjaTrader layer never imports, so the layer cannot depend on it.
    /// </summary>
    public static class Recorder
    {
        private static readonly object Gate = new object();
        private static readonly List<string> CallList = new List<string>();

        public static void Record(string call)
        {
            lock (Gate) CallList.Add(call);
        }

        public static IList<string> Calls
        {
            get { lock (Gate) return new List<string>(CallList); }
        }

        public static void Clear()
        {
            lock (Gate) CallList.Clear();
        }
    }
}
