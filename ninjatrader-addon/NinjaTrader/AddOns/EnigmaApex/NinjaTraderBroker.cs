// Compiled by NinjaTrader 8 only (needs its assemblies); excluded from the dotnet build. C# 7.3.
#region Using declarations
using System;
using System.Collections.Generic;
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
    /// the configured accounts (Account.All) to the engine, and carries engine commands out with
    /// Account.CreateOrder/Submit/Cancel/Change/Flatten, every order marked OrderEntry.Automated and
    /// named after its client_order_id (so a restart can find it again: <see cref="KnownOrderNames"/>).
    /// </summary>
    public sealed class NinjaTraderBroker : IBrokerAdapter
    {
        private readonly EnigmaClient _client;
        private readonly AddOnSettings _settings;
        private readonly Action<string> _log;
        private readonly List<Account> _accounts = new List<Account>();
        private volatile bool _killSwitch;

        public NinjaTraderBroker(EnigmaClient client, AddOnSettings settings, Action<string> log)
        {
            _client = client;
            _settings = settings;
            _log = log;
        }

        /// <summary>When on, engine orders are refused (cancels and flattens still run).</summary>
        public bool KillSwitch { get { return _killSwitch; } }

        /// <summary>Subscribes to the configured accounts' events (idempotent).</summary>
        public void Attach()
        {
            lock (Account.All)
            {
                foreach (var account in Account.All)
                {
                    if (!_settings.Accounts.Contains(account.Name) || _accounts.Contains(account)) continue;
                    account.AccountItemUpdate += OnAccountItemUpdate;
                    account.PositionUpdate += OnPositionUpdate;
                    account.OrderUpdate += OnOrderUpdate;
                    account.ExecutionUpdate += OnExecutionUpdate;
                    _accounts.Add(account);
                }
            }
            foreach (var name in _settings.Accounts)
                if (!_accounts.Any(a => a.Name == name)) _log("account " + name + " is not connected in NinjaTrader");
        }

        /// <summary>Unsubscribes from every account (idempotent).</summary>
        public void Detach()
        {
            foreach (var account in _accounts)
            {
                account.AccountItemUpdate -= OnAccountItemUpdate;
                account.PositionUpdate -= OnPositionUpdate;
                account.OrderUpdate -= OnOrderUpdate;
                account.ExecutionUpdate -= OnExecutionUpdate;
            }
            _accounts.Clear();
        }

        /// <summary>Names of the orders already in the accounts, to seed the idempotency registry.</summary>
        public IEnumerable<string> KnownOrderNames()
        {
            var names = new List<string>();
            foreach (var account in _accounts)
                lock (account.Orders)
                    names.AddRange(account.Orders.Where(o => !string.IsNullOrEmpty(o.Name)).Select(o => o.Name));
            return names;
        }

        /// <summary>The kill switch: refuse engine orders from now on and flatten every configured account.</summary>
        public void Kill(string reason)
        {
            _killSwitch = true;
            _log("KILL SWITCH: " + reason);
            foreach (var account in _accounts) FlattenAccount(account, null);
        }

        /// <summary>Accepts engine orders again.</summary>
        public void Rearm() { _killSwitch = false; }

        // ---- engine → NinjaTrader ------------------------------------------------------------------

        public void SubmitOrder(OrderSpec spec)
        {
            if (_killSwitch) { _log("kill switch on: order " + spec.ClientOrderId + " refused"); ReportRejected(spec, "kill switch on"); return; }
            var account = Find(spec.Account);
            var instrument = Instrument.GetInstrument(spec.Symbol);
            if (account == null || instrument == null)
            {
                ReportRejected(spec, account == null ? "account " + spec.Account + " is not connected" : "unknown instrument " + spec.Symbol);
                return;
            }
            bool buy = spec.Side == Sides.Buy;
            var action = buy ? OrderAction.Buy : OrderAction.SellShort;
            var entry = account.CreateOrder(instrument, action, ToOrderType(spec.OrderType), OrderEntry.Automated, ToTimeInForce(spec.TimeInForce),
                (int)spec.Quantity, spec.LimitPrice ?? 0, spec.StopPrice ?? 0, string.Empty, spec.ClientOrderId, NinjaTrader.Core.Globals.MaxDate, null);
            var orders = new List<Order> { entry };
            if (spec.Bracket != null)
            {
                // Exit legs as one OCO group, same quantity. They are submitted with the entry, as an
                // ATM-less bracket; NinjaTrader holds them until the entry fills on simulated accounts.
                string oco = "ea-oco-" + spec.ClientOrderId;
                var exit = buy ? OrderAction.Sell : OrderAction.BuyToCover;
                if (spec.Bracket.StopLoss.HasValue)
                    orders.Add(account.CreateOrder(instrument, exit, OrderType.StopMarket, OrderEntry.Automated, TimeInForce.Gtc,
                        (int)spec.Quantity, 0, spec.Bracket.StopLoss.Value, oco, spec.ClientOrderId + "-sl", NinjaTrader.Core.Globals.MaxDate, null));
                if (spec.Bracket.TakeProfit.HasValue)
                    orders.Add(account.CreateOrder(instrument, exit, OrderType.Limit, OrderEntry.Automated, TimeInForce.Gtc,
                        (int)spec.Quantity, spec.Bracket.TakeProfit.Value, 0, oco, spec.ClientOrderId + "-tp", NinjaTrader.Core.Globals.MaxDate, null));
            }
            account.Submit(orders);
        }

        public void CancelOrder(CancelCommand c)
        {
            var order = FindOrder(c.Account, c.ClientOrderId);
            if (order == null) { _log("cancel " + c.CommandId + ": no order " + c.ClientOrderId); return; }
            Find(c.Account).Cancel(new[] { order });
        }

        public void ReplaceOrder(ReplaceCommand c)
        {
            var order = FindOrder(c.Account, c.ClientOrderId);
            if (order == null) { _log("replace " + c.CommandId + ": no order " + c.ClientOrderId); return; }
            if (c.Quantity.HasValue) order.QuantityChanged = (int)c.Quantity.Value;
            if (c.LimitPrice.HasValue) order.LimitPriceChanged = c.LimitPrice.Value;
            if (c.StopPrice.HasValue) order.StopPriceChanged = c.StopPrice.Value;
            Find(c.Account).Change(new[] { order });
        }

        public void Flatten(FlattenCommand c)
        {
            var account = Find(c.Account);
            if (account == null) { _log("flatten " + c.CommandId + ": account " + c.Account + " is not connected"); return; }
            FlattenAccount(account, c.Symbol);
        }

        public void ShowProposal(ProposalMessage proposal)
        {
            // The window lists Dispatcher.PendingProposals; nothing to do here but tell the trader.
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
            foreach (var account in _accounts)
            {
                snapshot.Accounts.Add(AccountState(account));
                lock (account.Positions)
                    foreach (var p in account.Positions)
                        snapshot.Positions.Add(PositionState(account, p.Instrument, p.MarketPosition, p.Quantity, p.AveragePrice));
                lock (account.Orders)
                    foreach (var o in account.Orders.Where(IsWorking))
                        snapshot.Orders.Add(OrderState(o, o.OrderState, o.Filled, o.AverageFillPrice, null, Clock.NowMicros()));
            }
            return snapshot;
        }

        // ---- NinjaTrader → engine ------------------------------------------------------------------

        private void OnAccountItemUpdate(object sender, AccountItemEventArgs e)
        {
            // Many items change at once; one account message per change of the P&L-relevant items.
            if (e.AccountItem != AccountItem.CashValue && e.AccountItem != AccountItem.RealizedProfitLoss && e.AccountItem != AccountItem.UnrealizedProfitLoss) return;
            Send(AccountState((Account)sender));
        }

        private void OnPositionUpdate(object sender, PositionEventArgs e)
        {
            Send(PositionState((Account)sender, e.Position.Instrument, e.MarketPosition, e.Quantity, e.AveragePrice));
        }

        private void OnOrderUpdate(object sender, OrderEventArgs e)
        {
            if (e.Order == null) return;
            string reason = e.Error != ErrorCode.NoError ? e.Error + ": " + e.Comment : null;
            Send(OrderState(e.Order, e.OrderState, e.Filled, e.AverageFillPrice, reason, NtTime.ToMicros(e.Time)));
        }

        private void OnExecutionUpdate(object sender, ExecutionEventArgs e)
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
        }

        private void Send(IClientMessage message)
        {
            // Account events are rare; never block NinjaTrader's thread on a full buffer.
            long seq;
            if (!_client.TrySend(message, out seq)) _log("outbound buffer full: " + message.Type + " dropped");
        }

        // ---- mapping -------------------------------------------------------------------------------

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
                TimeInForce = o.TimeInForce == TimeInForce.Gtc ? "gtc" : "day",
                Status = FromOrderState(state),
                Reason = reason,
            };
        }

        private static bool IsBuy(OrderAction a) { return a == OrderAction.Buy || a == OrderAction.BuyToCover; }

        private static bool IsWorking(Order o)
        {
            var s = o.OrderState;
            return s == NinjaTrader.Cbi.OrderState.Accepted || s == NinjaTrader.Cbi.OrderState.Working || s == NinjaTrader.Cbi.OrderState.PartFilled
                || s == NinjaTrader.Cbi.OrderState.Submitted || s == NinjaTrader.Cbi.OrderState.TriggerPending || s == NinjaTrader.Cbi.OrderState.ChangePending
                || s == NinjaTrader.Cbi.OrderState.ChangeSubmitted;
        }

        private static string FromOrderState(OrderState s)
        {
            switch (s)
            {
                case NinjaTrader.Cbi.OrderState.Initialized: return OrderStatuses.Pending;
                case NinjaTrader.Cbi.OrderState.Submitted: return OrderStatuses.Submitted;
                case NinjaTrader.Cbi.OrderState.Accepted: return OrderStatuses.Accepted;
                case NinjaTrader.Cbi.OrderState.PartFilled: return OrderStatuses.PartiallyFilled;
                case NinjaTrader.Cbi.OrderState.Filled: return OrderStatuses.Filled;
                case NinjaTrader.Cbi.OrderState.CancelPending:
                case NinjaTrader.Cbi.OrderState.CancelSubmitted: return OrderStatuses.CancelPending;
                case NinjaTrader.Cbi.OrderState.Cancelled: return OrderStatuses.Cancelled;
                case NinjaTrader.Cbi.OrderState.Rejected: return OrderStatuses.Rejected;
                default: return OrderStatuses.Working; // Working, TriggerPending, ChangePending, ChangeSubmitted, Unknown
            }
        }

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

        private static TimeInForce ToTimeInForce(string t)
        {
            // NinjaTrader 8 offers Day and Gtc for futures; ioc/fok map to Day (the engine only sends them for brokers that support them).
            return t == "gtc" ? TimeInForce.Gtc : TimeInForce.Day;
        }

        private Account Find(string name)
        {
            foreach (var a in _accounts) if (a.Name == name) return a;
            return null;
        }

        private Order FindOrder(string accountName, string clientOrderId)
        {
            var account = Find(accountName);
            if (account == null) return null;
            lock (account.Orders)
                return account.Orders.FirstOrDefault(o => o.Name == clientOrderId && IsWorking(o));
        }

        private void FlattenAccount(Account account, string symbol)
        {
            var instruments = new List<Instrument>();
            lock (account.Positions)
                foreach (var p in account.Positions)
                    if (symbol == null || p.Instrument.FullName == symbol) instruments.Add(p.Instrument);
            lock (account.Orders)
                foreach (var o in account.Orders)
                    if (IsWorking(o) && (symbol == null || o.Instrument.FullName == symbol) && !instruments.Contains(o.Instrument)) instruments.Add(o.Instrument);
            if (instruments.Count > 0) account.Flatten(instruments);
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
    }
}
