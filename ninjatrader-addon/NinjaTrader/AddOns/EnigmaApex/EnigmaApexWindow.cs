// Compiled by NinjaTrader 8.1+ (C# 7.3); checked in CI against ninjatrader-addon/NinjaScript.Facade.
#region Using declarations
using System;
using System.Linq;
using System.Windows;
using System.Windows.Controls;
using System.Windows.Threading;
using EnigmaApex.Client;
using EnigmaApex.Client.Bridge;
using EnigmaApex.Client.Protocol;
using EnigmaApex.Client.Transport;
using NinjaTrader.Gui.Tools;
#endregion

namespace NinjaTrader.NinjaScript.AddOns.EnigmaApexBridge
{
    /// <summary>
    /// Control Center window: connection state, latency, buffer, trading states, proposals to
    /// confirm (with a countdown to their expiry), the kill switch and a log. Every UI change runs on
    /// this window's dispatcher (events from the client arrive on other threads and are marshalled
    /// with InvokeAsync); no handler blocks it or lets an exception escape.
    /// </summary>
    public class EnigmaApexWindow : NTWindow
    {
        private readonly TextBlock _status = new TextBlock { Margin = new Thickness(6), TextWrapping = TextWrapping.Wrap };
        private readonly TextBlock _states = new TextBlock { Margin = new Thickness(6), TextWrapping = TextWrapping.Wrap };
        private readonly ListBox _proposals = new ListBox { Margin = new Thickness(6), Height = 110 };
        private readonly ListBox _log = new ListBox { Margin = new Thickness(6) };
        private readonly Button _kill = new Button { Content = "KILL SWITCH: flatten all and refuse engine orders", Margin = new Thickness(6), Padding = new Thickness(6) };
        private readonly DispatcherTimer _timer;
        private readonly EnigmaApexHost _host;

        public EnigmaApexWindow()
        {
            Caption = "Enigma-Apex";
            Width = 560;
            Height = 620;
            _host = EnigmaApexHost.Current;

            var connect = new Button { Content = "Connect", Margin = new Thickness(6, 0, 6, 0), Padding = new Thickness(6, 2, 6, 2) };
            var disconnect = new Button { Content = "Disconnect", Padding = new Thickness(6, 2, 6, 2) };
            var rearm = new Button { Content = "Re-arm", Margin = new Thickness(6, 0, 0, 0), Padding = new Thickness(6, 2, 6, 2) };
            var accept = new Button { Content = "Confirm", Margin = new Thickness(6, 0, 6, 0), Padding = new Thickness(6, 2, 6, 2) };
            var reject = new Button { Content = "Reject", Padding = new Thickness(6, 2, 6, 2) };
            connect.Click += (s, e) => Safely("connect", () => { if (_host != null) _host.Connect(); });
            disconnect.Click += (s, e) => Safely("disconnect", () => { if (_host != null) _host.DisconnectAsync(); });
            rearm.Click += (s, e) => Safely("re-arm", () => { if (_host != null) _host.Broker.Rearm(); });
            _kill.Click += (s, e) => Safely("kill switch", Kill);
            accept.Click += (s, e) => Safely("confirm", () => Decide(true));
            reject.Click += (s, e) => Safely("reject", () => Decide(false));

            var buttons = new StackPanel { Orientation = Orientation.Horizontal, Margin = new Thickness(0, 6, 0, 0) };
            buttons.Children.Add(connect);
            buttons.Children.Add(disconnect);
            buttons.Children.Add(rearm);
            var proposalButtons = new StackPanel { Orientation = Orientation.Horizontal };
            proposalButtons.Children.Add(accept);
            proposalButtons.Children.Add(reject);

            var root = new DockPanel();
            var top = new StackPanel();
            top.Children.Add(buttons);
            top.Children.Add(_status);
            top.Children.Add(_kill);
            top.Children.Add(_states);
            top.Children.Add(new TextBlock { Text = "Proposals (confirm mode): select one, then Confirm or Reject before it expires", Margin = new Thickness(6, 6, 6, 0) });
            top.Children.Add(_proposals);
            top.Children.Add(proposalButtons);
            DockPanel.SetDock(top, Dock.Top);
            root.Children.Add(top);
            root.Children.Add(_log);
            Content = root;

            if (_host != null) _host.Log += OnLog;
            _timer = new DispatcherTimer(TimeSpan.FromMilliseconds(500), DispatcherPriority.Background, (s, e) => Safely("refresh", Refresh), Dispatcher);
            _timer.Start();
            Closed += (s, e) =>
            {
                _timer.Stop();
                if (_host != null) _host.Log -= OnLog;
            };
            Safely("refresh", Refresh);
        }

        /// <summary>
        /// The kill switch: flattens every configured account here, refuses engine orders until
        /// Re-arm, and sends the engine the sequenced kill message so it halts those accounts too.
        /// </summary>
        private void Kill()
        {
            if (_host == null) return;
            var answer = NTMessageBoxSimple.Show(this, "Flatten every configured account, refuse engine orders, and halt them in the engine?",
                "Enigma-Apex kill switch", MessageBoxButton.YesNo, MessageBoxImage.Warning);
            if (answer != MessageBoxResult.Yes) return;
            const string reason = "kill switch pressed in the Enigma-Apex window";
            _host.Broker.Kill(reason);
            long seq = _host.Client.SendKill(null, reason);
            OnLog(seq > 0 ? "kill sent to the engine (seq " + seq + ")" : "kill NOT sent to the engine: outbound buffer full");
        }

        private void Safely(string what, Action action)
        {
            try { action(); }
            catch (Exception e) { OnLog(what + " failed: " + e.Message); }
        }

        private void OnLog(string line)
        {
            string stamped = DateTime.Now.ToString("HH:mm:ss.fff") + "  " + line;
            Dispatcher.InvokeAsync(() =>
            {
                _log.Items.Insert(0, stamped);
                while (_log.Items.Count > 300) _log.Items.RemoveAt(_log.Items.Count - 1);
            });
        }

        private void Refresh()
        {
            if (_host == null)
            {
                _status.Text = "The Enigma-Apex AddOn is not running (reopen NinjaTrader's Control Center).";
                return;
            }
            var c = _host.Client;
            var st = c.Statistics;
            _status.Text = "State: " + c.State + (c.SessionId != null ? "   session " + c.SessionId : "") + "\n"
                + "Engine: " + c.Options.Endpoint + "\n"
                + "Round trip (ping): " + Micros(st.RoundTripMicros) + "    send → ack: " + Micros(st.AckLatencyMicros) + "\n"
                + "Unacknowledged: " + c.Buffer.Count + " / " + c.Buffer.Capacity + "    sent: " + st.MessagesSent + " in " + st.FramesSent + " frames\n"
                + "Engine messages: " + st.MessagesReceived + "    duplicates dropped: " + st.DuplicatesDropped + "    engine errors: " + st.EngineErrors + "\n"
                + "Market data refused (buffer full): " + _host.MarketData.Refused
                + (_host.Broker.KillSwitch ? "\nKILL SWITCH ON: engine orders are refused (Re-arm to accept them again)" : "")
                + (_host.LastError != null ? "\n" + _host.LastError : "");
            _states.Text = string.Join("\n", _host.Settings.Accounts.Select(a =>
            {
                var s = _host.Dispatcher.StateOf(a);
                return a + ": " + (s == null ? "no state yet" : s.State + " (health " + s.Health + ")" + (s.Reasons.Count > 0 ? " — " + string.Join("; ", s.Reasons) : ""));
            }));
            foreach (var expired in _host.Dispatcher.DropExpired(Clock.NowMicros()))
                OnLog("proposal " + expired.ProposalId + " expired without an answer");
            var pending = _host.Dispatcher.PendingProposals;
            var selected = _proposals.SelectedItem as ProposalItem;
            _proposals.Items.Clear();
            foreach (var p in pending)
            {
                var item = new ProposalItem(p);
                _proposals.Items.Add(item);
                if (selected != null && selected.Proposal.ProposalId == p.ProposalId) _proposals.SelectedItem = item;
            }
        }

        private void Decide(bool accept)
        {
            var item = _proposals.SelectedItem as ProposalItem;
            if (item == null || _host == null) return;
            _host.Dispatcher.Decide(item.Proposal.ProposalId, accept, Clock.NowMicros(), accept ? null : "rejected by the trader");
            Refresh();
        }

        private static string Micros(long us)
        {
            return us < 0 ? "–" : us < 1000 ? us + " µs" : (us / 1000.0).ToString("F1") + " ms";
        }

        private sealed class ProposalItem
        {
            public readonly ProposalMessage Proposal;
            public ProposalItem(ProposalMessage p) { Proposal = p; }
            public override string ToString()
            {
                var o = Proposal.Order;
                return o.Account + ": " + o.Side + " " + o.Quantity + " " + o.Symbol + " " + o.OrderType + (o.LimitPrice.HasValue ? " @ " + o.LimitPrice.Value : "")
                    + (o.Bracket != null ? " (stop " + o.Bracket.StopLoss + ", target " + o.Bracket.TakeProfit + ")" : "")
                    + " — " + Proposal.Reason + " — " + CommandDispatcher.SecondsLeft(Proposal, Clock.NowMicros()) + " s left";
            }
        }
    }
}
