using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using NinjaScriptFacade.Testing;

namespace NinjaTrader.Cbi
{
    /// <summary>
    /// A NinjaTrader account. https://ninjatrader.com/support/helpGuides/nt8/account_class.htm
    /// Facade: signatures only; Submit/Cancel/Change/Flatten record their calls (Recorder).
    /// </summary>
    public class Account
    {
        private static readonly Collection<Account> AllAccounts = new Collection<Account>();

        public Account()
        {
            Orders = new Collection<Order>();
            Positions = new Collection<Position>();
            Executions = new Collection<Execution>();
        }

        /// <summary>Every account; lock it while enumerating. https://ninjatrader.com/support/helpGuides/nt8/all.htm</summary>
        public static Collection<Account> All { get { return AllAccounts; } }

        /// <summary>Status changes of every account (log in, connection lost, …). https://ninjatrader.com/support/helpGuides/nt8/accountstatusupdate.htm</summary>
        public static event EventHandler<AccountStatusEventArgs> AccountStatusUpdate;

        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/name_account.htm</summary>
        public string Name { get; set; }

        /// <summary>The account's connection status (reflection of NinjaTrader.Core: Account.ConnectionStatus). https://ninjatrader.com/support/helpGuides/nt8/connection.htm</summary>
        public ConnectionStatus ConnectionStatus { get; set; }

        /// <summary>Orders of the account; lock it while enumerating. https://ninjatrader.com/support/helpGuides/nt8/orders_account.htm</summary>
        public Collection<Order> Orders { get; private set; }

        /// <summary>Positions of the account; lock it while enumerating. https://ninjatrader.com/support/helpGuides/nt8/positions_account.htm</summary>
        public Collection<Position> Positions { get; private set; }

        /// <summary>Executions of the account. https://ninjatrader.com/support/helpGuides/nt8/executions.htm</summary>
        public Collection<Execution> Executions { get; private set; }

        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/accountitemupdate.htm</summary>
        public event EventHandler<AccountItemEventArgs> AccountItemUpdate;

        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/executionupdate.htm</summary>
        public event EventHandler<ExecutionEventArgs> ExecutionUpdate;

        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/orderupdate.htm</summary>
        public event EventHandler<OrderEventArgs> OrderUpdate;

        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/positionupdate.htm</summary>
        public event EventHandler<PositionEventArgs> PositionUpdate;

        /// <summary>
        /// Creates an order to be submitted with Submit(). https://ninjatrader.com/support/helpGuides/nt8/createorder.htm
        /// CreateOrder(Instrument instrument, OrderAction action, OrderType orderType, OrderEntry orderEntry,
        /// TimeInForce timeInForce, int quantity, double limitPrice, double stopPrice, string oco, string name,
        /// DateTime gtd, CustomOrder customOrder)
        /// </summary>
        public Order CreateOrder(Instrument instrument, OrderAction action, OrderType orderType, OrderEntry orderEntry, TimeInForce timeInForce,
            int quantity, double limitPrice, double stopPrice, string oco, string name, DateTime gtd, CustomOrder customOrder)
        {
            Recorder.Record("CreateOrder " + name);
            return new Order
            {
                Account = this, Instrument = instrument, OrderAction = action, OrderType = orderType, OrderEntry = orderEntry,
                TimeInForce = timeInForce, Quantity = quantity, LimitPrice = limitPrice, StopPrice = stopPrice, Oco = oco,
                Name = name, Gtd = gtd, CustomOrder = customOrder, OrderState = OrderState.Initialized,
            };
        }

        /// <summary>Submits orders (asynchronous: the outcome arrives through OrderUpdate). https://ninjatrader.com/support/helpGuides/nt8/submit.htm</summary>
        public void Submit(IEnumerable<Order> orders)
        {
            Recorder.Record("Submit " + Describe(orders));
        }

        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/cancel.htm</summary>
        public void Cancel(IEnumerable<Order> orders)
        {
            Recorder.Record("Cancel " + string.Join(",", orders.Select(o => o.Name)));
        }

        /// <summary>Sends QuantityChanged/LimitPriceChanged/StopPriceChanged of the orders. https://ninjatrader.com/support/helpGuides/nt8/change.htm</summary>
        public void Change(IEnumerable<Order> orders)
        {
            Recorder.Record("Change " + string.Join(",", orders.Select(o => o.Name + " qty=" + o.QuantityChanged)));
        }

        /// <summary>Closes positions and cancels working orders of the instruments. https://ninjatrader.com/support/helpGuides/nt8/flatten.htm</summary>
        public void Flatten(ICollection<Instrument> instruments)
        {
            Recorder.Record("Flatten " + Name + " " + string.Join(",", instruments.Select(i => i.FullName)));
        }

        /// <summary>The value of an account item. https://ninjatrader.com/support/helpGuides/nt8/get.htm</summary>
        public double Get(AccountItem itemType, Currency currency)
        {
            return 0;
        }

        // Raise* are public members of NinjaTrader.Cbi.Account (see the reflection listing of
        // NinjaTrader.Core); the facade's tests use them to play NinjaTrader's side.
        public void RaiseOrderUpdate(OrderEventArgs e) { var h = OrderUpdate; if (h != null) h(this, e); }
        public void RaiseExecutionUpdate(ExecutionEventArgs e) { var h = ExecutionUpdate; if (h != null) h(this, e); }
        public void RaisePositionUpdate(PositionEventArgs e) { var h = PositionUpdate; if (h != null) h(this, e); }
        public void RaiseAccountItemUpdate(AccountItemEventArgs e) { var h = AccountItemUpdate; if (h != null) h(this, e); }
        public void RaiseAccountStatusUpdate(AccountStatusEventArgs e) { var h = AccountStatusUpdate; if (h != null) h(this, e); }

        private static string Describe(IEnumerable<Order> orders)
        {
            return string.Join(",", orders.Select(o => o.Name + " " + o.OrderAction + " " + o.OrderType + " " + o.Quantity
                + (string.IsNullOrEmpty(o.Oco) ? "" : " oco=" + o.Oco)));
        }
    }

    /// <summary>https://ninjatrader.com/support/helpGuides/nt8/accountstatusupdate.htm</summary>
    public class AccountStatusEventArgs : EventArgs
    {
        public Account Account { get; set; }
        public string Message { get; set; }
        public ConnectionStatus PreviousStatus { get; set; }
        public ConnectionStatus Status { get; set; }
    }

    /// <summary>https://ninjatrader.com/support/helpGuides/nt8/accountitemupdate.htm</summary>
    public class AccountItemEventArgs : EventArgs
    {
        public Account Account { get; set; }
        public AccountItem AccountItem { get; set; }
        public Currency Currency { get; set; }
        public DateTime Time { get; set; }
        public double Value { get; set; }
    }

    /// <summary>ATM-style extras of an order; null for a plain order. https://ninjatrader.com/support/helpGuides/nt8/createorder.htm</summary>
    public class CustomOrder
    {
    }

    /// <summary>An order. https://ninjatrader.com/support/helpGuides/nt8/order.htm</summary>
    public class Order
    {
        public Account Account { get; set; }
        public double AverageFillPrice { get; set; }
        public CustomOrder CustomOrder { get; set; }
        public int Filled { get; set; }
        public DateTime Gtd { get; set; }
        public Instrument Instrument { get; set; }
        public double LimitPrice { get; set; }
        /// <summary>New limit price for Account.Change(). https://ninjatrader.com/support/helpGuides/nt8/change.htm</summary>
        public double LimitPriceChanged { get; set; }
        public string Name { get; set; }
        public string Oco { get; set; }
        public OrderAction OrderAction { get; set; }
        public OrderEntry OrderEntry { get; set; }
        public string OrderId { get; set; }
        public OrderState OrderState { get; set; }
        public OrderType OrderType { get; set; }
        public int Quantity { get; set; }
        /// <summary>New quantity for Account.Change(). https://ninjatrader.com/support/helpGuides/nt8/change.htm</summary>
        public int QuantityChanged { get; set; }
        public double StopPrice { get; set; }
        /// <summary>New stop price for Account.Change(). https://ninjatrader.com/support/helpGuides/nt8/change.htm</summary>
        public double StopPriceChanged { get; set; }
        public DateTime Time { get; set; }
        public TimeInForce TimeInForce { get; set; }
    }

    /// <summary>One change of an order. https://ninjatrader.com/support/helpGuides/nt8/orderupdate.htm</summary>
    public class OrderEventArgs : EventArgs
    {
        public double AverageFillPrice { get; set; }
        public string Comment { get; set; }
        public ErrorCode Error { get; set; }
        public int Filled { get; set; }
        public double LimitPrice { get; set; }
        public Order Order { get; set; }
        public string OrderId { get; set; }
        public OrderState OrderState { get; set; }
        public int Quantity { get; set; }
        public double StopPrice { get; set; }
        public DateTime Time { get; set; }
    }

    /// <summary>A fill. https://ninjatrader.com/support/helpGuides/nt8/execution.htm</summary>
    public class Execution
    {
        public Account Account { get; set; }
        public double Commission { get; set; }
        public string ExecutionId { get; set; }
        public Instrument Instrument { get; set; }
        public MarketPosition MarketPosition { get; set; }
        public string Name { get; set; }
        public Order Order { get; set; }
        public string OrderId { get; set; }
        public double Price { get; set; }
        public int Quantity { get; set; }
        public DateTime Time { get; set; }
    }

    /// <summary>https://ninjatrader.com/support/helpGuides/nt8/executionupdate.htm</summary>
    public class ExecutionEventArgs : EventArgs
    {
        public Execution Execution { get; set; }
        public string ExecutionId { get; set; }
        public MarketPosition MarketPosition { get; set; }
        public Operation Operation { get; set; }
        public string OrderId { get; set; }
        public double Price { get; set; }
        public int Quantity { get; set; }
        public DateTime Time { get; set; }
    }

    /// <summary>A position. https://ninjatrader.com/support/helpGuides/nt8/position.htm</summary>
    public class Position
    {
        public Account Account { get; set; }
        public double AveragePrice { get; set; }
        public Instrument Instrument { get; set; }
        public MarketPosition MarketPosition { get; set; }
        public int Quantity { get; set; }
    }

    /// <summary>https://ninjatrader.com/support/helpGuides/nt8/positionupdate.htm</summary>
    public class PositionEventArgs : EventArgs
    {
        public double AveragePrice { get; set; }
        public MarketPosition MarketPosition { get; set; }
        public Operation Operation { get; set; }
        public Position Position { get; set; }
        public int Quantity { get; set; }
    }
}
