// Compiled by NinjaTrader 8.1+ (C# 7.3); checked in CI against ninjatrader-addon/NinjaScript.Facade.
#region Using declarations
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using EnigmaApex.Client;
using EnigmaApex.Client.Bridge;
using EnigmaApex.Client.Protocol;
using EnigmaApex.Client.Transport;
using NinjaTrader.Cbi;
#endregion

namespace NinjaTrader.NinjaScript.AddOns.EnigmaApexBridge
{
    /// <summary>
    /// NinjaTrader's side of the link: forwards account, position, order and execution events of
    /// the configured accounts to the engine, and carries engine commands out with
    /// Account.CreateOrder/Submit/Cancel/Change/Flatten, every order marked OrderEntry.Automated and
    /// named after its client_order_id (so a restart can find it again: <see cref="KnownOrderNames"/>).
    /// Brackets: the entry goes alone; <see cref="BracketTracker"/> (client core) decides when its
    /// exits are submitted (first fill, OCO, sized to the fill) and resized; this class only carries
    /// its actions out. Every NinjaTrader callback is guarded: an exception is logged, never thrown
    /// back into NinjaTrader.
    /// </summary>
    public sealed class NinjaTraderBroker : IBrokerAdapter
    {
        private static readonly TimeSpan AccountMessageInterval = TimeSpan.FromMilliseconds(250);

        private readonly EnigmaClient _client;
        private readonly AddOnSettings _settings;
        private readonly Action<string> _log;
        private readonly object _gate = new object();
        private readonly List<Account> _accounts = new List<Account>();   // guarded by _gate
        private readonly BracketTracker _brackets = new BracketTracker();
        private readonly LatestPerKeyThrottle<AccountMessage> _accountThrottle = new LatestPerKeyThrottle<AccountMessage>(AccountMessageInterval);
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private System.Threading.Timer _throttleTimer;
        private bool _listening;
        private volatile bool _killSwitch;

        public NinjaTraderBroker(EnigmaClient client, AddOnSettings settings, Action<string> log)
        {
            _client = client;
            _settings = settings;
            _log = log;
        }

        /// <summary>Raised (on NinjaTrader's thread) when an account is attached after start-up, e.g. it logged in later.</summary>
        public event Action<Account> AccountAttached;

        /// <summary>When on, engine orders are refused (cancels and flattens still run).</summary>
        public bool KillSwitch { get { return _killSwitch; } }

        /// <summary>Subscribes to the configured accounts that exist now, and to account status changes for the ones that log in later (idempotent).</summary>
        public void Attach()
        {
            lock (_gate)
            {
                if (!_listening)
                {
                    _listening = true;
                    Account.AccountStatusUpdate += OnAccountStatusUpdate;
                    _throttleTimer = new System.Threading.Timer(_ => Guard("account throttle", FlushAccountMessages), null, 100, 100);
                }
            }
            List<Account> existing;
            lock (Account.All) existing = Account.All.ToList();
            foreach (var account in existing) AttachAccount(account);
            foreach (var name in _settings.Accounts)
                if (Find(name) == null) _log("account " + name + " is not connected in NinjaTrader yet; it is attached when it logs in");
        }

        /// <summary>Unsubscribes from every account (idempotent).</summary>
        public void Detach()
        {
            List<Account> attached;
            lock (_gate)
            {
                if (_listening)
                {
                    _listening = false;
                    Account.AccountStatusUpdate -= OnAccountStatusUpdate;
                    _throttleTimer.Dispose();
                    _throttleTimer = null;
                }
                attached = new List<Account>(_accounts);
                _accounts.Clear();
            }
            foreach (var account in attached)
            {
                account.AccountItemUpdate -= OnAccountItemUpdate;
                account.PositionUpdate -= OnPositionUpdate;
                account.OrderUpdate -= OnOrderUpdate;
                account.ExecutionUpdate -= OnExecutionUpdate;
            }
        }

        /// <summary>Names of the orders already in the attached accounts, to seed the idempotency registry.</summary>
        public IList<string> KnownOrderNames()
        {
            var names = new List<string>();
            foreach (var account in Attached()) names.AddRange(KnownOrderNames(account));
            return names;
        }

        /// <summary>Names of the orders already in <paramref name="account"/>.</summary>
        public static IList<string> KnownOrderNames(Account account)
        {
            lock (account.Orders)
                return account.Orders.Where(o => !string.IsNullOrEmpty(o.Name)).Select(o => o.Name).ToList();
        }

        /// <summary>The kill switch: refuse engine orders from now on and flatten every attached account.</summary>
        public void Kill(string reason)
        {
            _killSwitch = true;
            _log("KILL SWITCH: " + reason);
            foreach (var account in Attached()) Guard("flatten " + account.Name, () => FlattenAccount(account, null));
        }

        /// <summary>Accepts engine orders again.</summary>
        public void Rearm() { _killSwitch = false; }

        // ---- engine → NinjaTrader (the client's receive thread) ----------------------------------------

        public void SubmitOrder(OrderSpec spec)
        {
            if (_killSwitch) { _log("kill switch on: order " + spec.ClientOrderId + " refused"); ReportRejected(spec, "kill switch on"); return; }
            var account = Find(spec.Account);
            var instrument = Instrument.GetInstrument(spec.Symbol);
            string tif = NinjaTraderStates.ToTimeInForce(spec.TimeInForce);
            if (account == null || instrument == null || tif == null)
            {
                ReportRejected(spec, account == null ? "account " + spec.Account + " is not connected"
                    : instrument == null ? "unknown instrument " + spec.Symbol
                    : "time in force " + spec.TimeInForce + " is not offered by NinjaTrader");
                return;
            }
            try
            {
                var action = spec.Side == Sides.Buy ? OrderAction.Buy : OrderAction.SellShort;
                var entry = account.CreateOrder(instrument, action, ToOrderType(spec.OrderType), OrderEntry.Automated,
                    (TimeInForce)Enum.Parse(typeof(TimeInForce), tif), (int)spec.Quantity, spec.LimitPrice ?? 0, spec.StopPrice ?? 0,
                    string.Empty, spec.ClientOrderId, NinjaTrader.Core.Globals.MaxDate, null);
                // Account.Submit has no one-triggers-other: exits sent now would be live at once. The
                // bracket tracker submits them on the entry's first fill.
                _brackets.Register(spec);
                account.Submit(new[] { entry });
            }
            catch (Exception e)
            {
                _log("submit " + spec.ClientOrderId + " failed: " + e.Message);
                ReportRejected(spec, "NinjaTrader refused the order: " + e.Message);
            }
        }

        public void CancelOrder(CancelCommand c)
        {
            var order = FindOrder(c.Account, c.ClientOrderId);
            if (order == null) { _log("cancel " + c.CommandId + ": no live order " + c.ClientOrderId); return; }
            order.Account.Cancel(new[] { order });
        }

        public void ReplaceOrder(ReplaceCommand c)
        {
            var order = FindOrder(c.Account, c.ClientOrderId);
            if (order == null) { _log("replace " + c.CommandId + ": no live order " + c.ClientOrderId); return; }
            if (c.Quantity.HasValue) order.QuantityChanged = (int)c.Quantity.Value;
            if (c.LimitPrice.HasValue) order.LimitPriceChanged = c.LimitPrice.Value;
            if (c.StopPrice.HasValue) order.StopPriceChanged = c.StopPrice.Value;
            order.Account.Change(new[] { order });
        }

        public void Flatten(FlattenCommand c)
        {
            var account = Find(c.Account);
            if (account == null) { _log("flatten " + c.CommandId + ": account " + c.Account + " is not connected"); return; }
            FlattenAccount(account, c.Symbol);
        }

        public void ShowProposal(ProposalMessage proposal)
        {
            // The window lists Dispatcher.PendingProposals with a countdown; here, only tell the trader.
            _log("proposal " + proposal.ProposalId + ": " + proposal.Order.Side + " " + proposal.Order.Quantity + " " + proposal.Order.Symbol + " (" + proposal.Reason + ")");
        }

        public void ChangeSubscription(SubscriptionMessage s)
        {
            var host = EnigmaApexHost.Current;
            if (host == null) return;
            foreach (var symbol in s.Symbols)
            {
                if (s.Subscribe) host.MarketData.Subscribe(symbol, s.Streams, s.BarPeriodSeconds ?? 60);
                else host.MarketData.Unsubscribe(symbol);
            }
        }

        public SnapshotMessage TakeSnapshot()
        {
            var snapshot = new SnapshotMessage { Ts = Clock.NowMicros() };
            foreach (var account in Attached())
            {
                snapshot.Accounts.Add(AccountState(account));
                lock (account.Positions)
                    foreach (var p in account.Positions)
                        snapshot.Positions.Add(PositionState(account, p.Instrument, p.MarketPosition, p.Quantity, p.AveragePrice));
                lock (account.Orders)
                    foreach (var o in account.Orders.Where(IsLive))
                        snapshot.Orders.Add(OrderState(o, o.OrderState, o.Filled, o.AverageFillPrice, null, Clock.NowMicros()));
            }
            return snapshot;
        }

        // ---- NinjaTrader → engine (NinjaTrader's threads) --------------------------------------------

        private void OnAccountStatusUpdate(object sender, AccountStatusEventArgs e)
        {
            Guard("account status", () =>
            {
                if (e.Account == null || e.Status != ConnectionStatus.Connected) return;
                if (AttachAccount(e.Account))
                {
                    _log("account " + e.Account.Name + " logged in: attached");
                    var h = AccountAttached;
                    if (h != null) h(e.Account);
                }
            });
        }

        private void OnAccountItemUpdate(object sender, AccountItemEventArgs e)
        {
            Guard("account item", () =>
            {
                if (e.AccountItem != AccountItem.CashValue && e.AccountItem != AccountItem.RealizedProfitLoss && e.AccountItem != AccountItem.UnrealizedProfitLoss) return;
                // UnrealizedProfitLoss changes on every tick: at most one account message per account per 250 ms, latest wins.
                var message = AccountState((Account)sender);
                var now = _accountThrottle.Offer(message.Account, message, _clock.ElapsedMilliseconds);
                if (now != null) Send(now);
            });
        }

        private void FlushAccountMessages()
        {
            foreach (var message in _accountThrottle.TakeDue(_clock.ElapsedMilliseconds)) Send(message);
        }

        private void OnPositionUpdate(object sender, PositionEventArgs e)
        {
            Guard("position update", () => Send(PositionState((Account)sender, e.Position.Instrument, e.MarketPosition, e.Quantity, e.AveragePrice)));
        }

        private void OnOrderUpdate(object sender, OrderEventArgs e)
        {
            Guard("order update", () =>
            {
                if (e.Order == null) return;
                string reason = e.Error != ErrorCode.NoError ? e.Error + ": " + e.Comment : null;
                var update = OrderState(e.Order, e.OrderState, e.Filled, e.AverageFillPrice, reason, NtTime.ToMicros(e.Time));
                Send(update);
                foreach (var action in _brackets.OnEntryUpdate(e.Order.Name, update.Status, e.Filled))
                    CarryOut(action, e.Order);
            });
        }

        private void OnExecutionUpdate(object sender, ExecutionEventArgs e)
        {
            Guard("execution update", () =>
            {
                var x = e.Execution;
                if (x == null || x.Order == null) return;
                Send(new ExecutionMessage
                {
                    Ts = NtTime.ToMicros(x.Time),
                    FillId = x.ExecutionId,
                    ClientOrderId = x.Order.Name,
                    Account = ((Account)sender).Name,
                    Symbol = x.Instrument.FullName,
                    Side = IsBuy(x.Order.OrderAction) ? Sides.Buy : Sides.Sell,
                    Quantity = x.Quantity,
                    Price = x.Price,
                    Commission = x.Commission,
                });
            });
        }

        // ---- brackets --------------------------------------------------------------------------------

        private void CarryOut(BracketAction action, Order entry)
        {
            var account = entry.Account;
            var exit = action.ExitSide == Sides.Sell ? OrderAction.Sell : OrderAction.BuyToCover;
            if (action.Kind == BracketActionKind.SubmitExits)
            {
                var legs = new List<Order>(2);
                if (action.StopLoss.HasValue)
                    legs.Add(account.CreateOrder(entry.Instrument, exit, OrderType.StopMarket, OrderEntry.Automated, TimeInForce.Gtc,
                        (int)action.Quantity, 0, action.StopLoss.Value, action.OcoId, action.StopLossId, NinjaTrader.Core.Globals.MaxDate, null));
                if (action.TakeProfit.HasValue)
                    legs.Add(account.CreateOrder(entry.Instrument, exit, OrderType.Limit, OrderEntry.Automated, TimeInForce.Gtc,
                        (int)action.Quantity, action.TakeProfit.Value, 0, action.OcoId, action.TakeProfitId, NinjaTrader.Core.Globals.MaxDate, null));
                account.Submit(legs);
                _log("bracket of " + action.EntryId + ": exits submitted for " + action.Quantity);
                return;
            }
            var live = new List<Order>(2);
            foreach (var id in new[] { action.StopLossId, action.TakeProfitId })
            {
                var leg = FindOrder(action.Account, id);
                if (leg == null) continue;
                leg.QuantityChanged = (int)action.Quantity;
                live.Add(leg);
            }
            if (live.Count > 0) account.Change(live);
            _log("bracket of " + action.EntryId + ": exits resized to " + action.Quantity);
        }

        // ---- helpers ---------------------------------------------------------------------------------

        private bool AttachAccount(Account account)
        {
            lock (_gate)
            {
                if (!_listening || !_settings.Accounts.Contains(account.Name) || _accounts.Contains(account)) return false;
                account.AccountItemUpdate += OnAccountItemUpdate;
                account.PositionUpdate += OnPositionUpdate;
                account.OrderUpdate += OnOrderUpdate;
                account.ExecutionUpdate += OnExecutionUpdate;
                _accounts.Add(account);
                return true;
            }
        }

        private List<Account> Attached()
        {
            lock (_gate) return new List<Account>(_accounts);
        }

        private Account Find(string name)
        {
            lock (_gate) return _accounts.FirstOrDefault(a => a.Name == name);
        }

        private Order FindOrder(string accountName, string clientOrderId)
        {
            var account = Find(accountName);
            if (account == null) return null;
            lock (account.Orders)
                return account.Orders.FirstOrDefault(o => o.Name == clientOrderId && IsLive(o));
        }

        private void FlattenAccount(Account account, string symbol)
        {
            var instruments = new List<Instrument>();
            lock (account.Positions)
                foreach (var p in account.Positions)
                    if (symbol == null || p.Instrument.FullName == symbol) instruments.Add(p.Instrument);
            lock (account.Orders)
                foreach (var o in account.Orders)
                    if (IsLive(o) && (symbol == null || o.Instrument.FullName == symbol) && !instruments.Contains(o.Instrument)) instruments.Add(o.Instrument);
            if (instruments.Count > 0) account.Flatten(instruments);
        }

        private void Guard(string what, Action action)
        {
            try { action(); }
            catch (Exception e) { _log(what + " failed: " + e.GetType().Name + ": " + e.Message); }
        }

        private void Send(IClientMessage message)
        {
            // Never block NinjaTrader's thread on a full buffer.
            long seq;
            if (!_client.TrySend(message, out seq)) _log("outbound buffer full: " + message.Type + " dropped");
        }

        private void ReportRejected(OrderSpec spec, string reason)
        {
            Send(new OrderUpdateMessage
            {
                Ts = Clock.NowMicros(),
                ClientOrderId = spec.ClientOrderId,
                Account = spec.Account,
                Symbol = spec.Symbol,
                Side = spec.Side,
                Quantity = spec.Quantity,
                FilledQuantity = 0,
                OrderType = spec.OrderType,
                LimitPrice = spec.LimitPrice,
                StopPrice = spec.StopPrice,
                TimeInForce = spec.TimeInForce,
                Status = OrderStatuses.Rejected,
                Reason = reason,
            });
        }

        // ---- mapping ---------------------------------------------------------------------------------

        private static AccountMessage AccountState(Account a)
        {
            double cash = a.Get(AccountItem.CashValue, Currency.UsDollar);
            double unrealized = a.Get(AccountItem.UnrealizedProfitLoss, Currency.UsDollar);
            return new AccountMessage
            {
                Ts = Clock.NowMicros(),
                Account = a.Name,
                Currency = "USD",
                Balance = cash,
                Equity = cash + unrealized,
                RealizedPnlToday = a.Get(AccountItem.RealizedProfitLoss, Currency.UsDollar),
                UnrealizedPnl = unrealized,
            };
        }

        private static PositionMessage PositionState(Account a, Instrument instrument, MarketPosition side, int quantity, double averagePrice)
        {
            long signed = side == MarketPosition.Long ? quantity : side == MarketPosition.Short ? -quantity : 0;
            return new PositionMessage
            {
                Ts = Clock.NowMicros(),
                Account = a.Name,
                Symbol = instrument.FullName,
                Quantity = signed,
                AveragePrice = signed == 0 ? 0 : averagePrice,
            };
        }

        private static OrderUpdateMessage OrderState(Order o, OrderState state, int filled, double averageFill, string reason, long ts)
        {
            return new OrderUpdateMessage
            {
                Ts = ts,
                ClientOrderId = string.IsNullOrEmpty(o.Name) ? o.OrderId : o.Name,
                BrokerOrderId = o.OrderId,
                Account = o.Account.Name,
                Symbol = o.Instrument.FullName,
                Side = IsBuy(o.OrderAction) ? Sides.Buy : Sides.Sell,
                Quantity = o.Quantity,
                FilledQuantity = filled,
                AverageFillPrice = filled > 0 ? (double?)averageFill : null,
                OrderType = FromOrderType(o.OrderType),
                LimitPrice = o.LimitPrice > 0 ? (double?)o.LimitPrice : null,
                StopPrice = o.StopPrice > 0 ? (double?)o.StopPrice : null,
                TimeInForce = NinjaTraderStates.FromTimeInForce(o.TimeInForce.ToString()),
                Status = NinjaTraderStates.ToStatus(state.ToString()),
                Reason = reason,
            };
        }

        private static bool IsBuy(OrderAction a) { return a == OrderAction.Buy || a == OrderAction.BuyToCover; }

        private static bool IsLive(Order o) { return NinjaTraderStates.IsLive(o.OrderState.ToString()); }

        private static OrderType ToOrderType(string t)
        {
            switch (t)
            {
                case "limit": return OrderType.Limit;
                case "stop": return OrderType.StopMarket;
                case "stop-limit": return OrderType.StopLimit;
                default: return OrderType.Market;
            }
        }

        private static string FromOrderType(OrderType t)
        {
            switch (t)
            {
                case OrderType.Limit: return "limit";
                case OrderType.StopMarket: return "stop";
                case OrderType.StopLimit: return "stop-limit";
                default: return "market";
            }
        }
    }
}
