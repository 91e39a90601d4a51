using System;
using System.Collections.Generic;
using System.Linq;
using EnigmaApex.Client;
using EnigmaApex.Client.Bridge;
using EnigmaApex.Client.Protocol;
using NinjaScriptFacade.Testing;
using NinjaTrader.Cbi;
using NinjaTrader.NinjaScript.AddOns.EnigmaApexBridge;
using Xunit;

namespace NinjaTrader.Layer.Tests
{
    public class BrokerTests : IDisposable
    {
        private readonly List<string> _log = new List<string>();
        private readonly EnigmaClient _client = Nt.Client();
        private readonly NinjaTraderBroker _broker;
        private readonly Account _account;
        private readonly Instrument _nq;

        public BrokerTests()
        {
            Nt.Reset();
            _account = Nt.AddAccount("APEX-1");
            _nq = Nt.AddInstrument("NQ 12-26");
            var settings = new AddOnSettings();
            settings.Accounts.Add("APEX-1");
            settings.Accounts.Add("APEX-2");
            _broker = new NinjaTraderBroker(_client, settings, _log.Add);
            _broker.Attach();
            Recorder.Clear();
        }

        public void Dispose() { _broker.Detach(); }

        private const string BracketOrder = "{\"type\":\"order\",\"seq\":1,\"ts\":1,\"client_order_id\":\"ea-1\",\"account\":\"APEX-1\",\"symbol\":\"NQ 12-26\",\"side\":\"buy\",\"quantity\":2,\"order_type\":\"limit\",\"limit_price\":21000,\"time_in_force\":\"day\",\"bracket\":{\"stop_loss\":20990,\"take_profit\":21030},\"reason\":\"r\"}";

        private Order Entry() { return new Order { Name = "ea-1", OrderId = "nt-1", Account = _account, Instrument = _nq, OrderAction = OrderAction.Buy, OrderType = OrderType.Limit, Quantity = 2, LimitPrice = 21000 }; }

        private void Update(Order o, OrderState state, int filled)
        {
            o.OrderState = state;
            o.Filled = filled;
            _account.RaiseOrderUpdate(new OrderEventArgs { Order = o, OrderState = state, Filled = filled, AverageFillPrice = 21000, Time = new DateTime(2026, 12, 7, 15, 0, 0) });
        }

        [Fact]
        public void TheEntryIsSubmittedAloneAndItsExitsOnlyOnItsFirstFillAsAnOcoPairOfTheFilledQuantity()
        {
            _broker.SubmitOrder(Nt.Spec(BracketOrder));
            Assert.Equal(new[] { "CreateOrder ea-1", "Submit ea-1 Buy Limit 2" }, Nt.Calls());

            var entry = Entry();
            Update(entry, OrderState.Accepted, 0);
            Update(entry, OrderState.Working, 0);
            Assert.Equal(2, Nt.Calls().Count); // a resting entry has no exits

            Update(entry, OrderState.PartFilled, 1);
            Assert.Equal(new[]
            {
                "CreateOrder ea-1", "Submit ea-1 Buy Limit 2",
                "CreateOrder ea-1-sl", "CreateOrder ea-1-tp",
                "Submit ea-1-sl Sell StopMarket 1 oco=ea-oco-ea-1,ea-1-tp Sell Limit 1 oco=ea-oco-ea-1",
            }, Nt.Calls());
        }

        [Fact]
        public void FurtherFillsResizeTheWorkingExits()
        {
            _broker.SubmitOrder(Nt.Spec(BracketOrder));
            var entry = Entry();
            Update(entry, OrderState.PartFilled, 1);
            foreach (var leg in new[] { "ea-1-sl", "ea-1-tp" })
                _account.Orders.Add(new Order { Name = leg, Account = _account, Instrument = _nq, OrderState = OrderState.Working, Quantity = 1 });
            Recorder.Clear();
            Update(entry, OrderState.Filled, 2);
            Assert.Equal(new[] { "Change ea-1-sl qty=2,ea-1-tp qty=2" }, Nt.Calls());
        }

        [Theory]
        [InlineData(OrderState.Rejected)]
        [InlineData(OrderState.Cancelled)]
        public void ARejectedOrCancelledEntryNeverGetsExits(OrderState state)
        {
            _broker.SubmitOrder(Nt.Spec(BracketOrder));
            var entry = Entry();
            Update(entry, state, 0);
            Update(entry, OrderState.Filled, 2); // even a contradictory late update
            Assert.Equal(new[] { "CreateOrder ea-1", "Submit ea-1 Buy Limit 2" }, Nt.Calls());
            Assert.Equal(new[] { state == OrderState.Rejected ? "rejected" : "cancelled", "filled" }, Nt.Sent(_client, "order_update").Select(v => v.GetString("status")));
        }

        [Fact]
        public void IocIsSubmittedAsIocAndFokIsRejectedBackToTheEngine()
        {
            _broker.SubmitOrder(Nt.Spec(BracketOrder.Replace("\"ea-1\"", "\"ea-2\"").Replace("\"day\"", "\"fok\"")));
            Assert.Empty(Nt.Calls());
            var rejected = Nt.Sent(_client, "order_update").Single();
            Assert.Equal("rejected", rejected.GetString("status"));
            Assert.Contains("fok", rejected.GetString("reason"));
        }

        [Fact]
        public void SuspendedAndAcceptedByRiskOrdersAreReportedAndFlattened()
        {
            var suspended = new Order { Name = "ea-7", OrderId = "nt-7", Account = _account, Instrument = _nq, OrderAction = OrderAction.Sell, OrderType = OrderType.Limit, Quantity = 1, OrderState = OrderState.Suspended, TimeInForce = TimeInForce.Gtc };
            _account.Orders.Add(suspended);
            Update(suspended, OrderState.AcceptedByRisk, 0);
            Assert.Equal("accepted", Nt.Sent(_client, "order_update").Single().GetString("status"));
            suspended.OrderState = OrderState.Suspended;
            Assert.Single(_broker.TakeSnapshot().Orders);
            _broker.Kill("test");
            Assert.Equal(new[] { "Flatten APEX-1 NQ 12-26" }, Nt.Calls());
        }

        [Fact]
        public void AnExceptionInACallbackIsLoggedAndNeverReachesNinjaTrader()
        {
            _account.RaiseOrderUpdate(new OrderEventArgs { Order = new Order { Name = "x" } }); // no account, no instrument
            _account.RaisePositionUpdate(new PositionEventArgs());
            Assert.Contains(_log, l => l.StartsWith("order update failed", StringComparison.Ordinal));
            Assert.Contains(_log, l => l.StartsWith("position update failed", StringComparison.Ordinal));
        }

        [Fact]
        public void UnrealizedProfitLossOnEveryTickSendsAtMostOneAccountMessagePerQuarterSecondAndTheLastOneArrives()
        {
            for (int i = 0; i < 50; i++)
                _account.RaiseAccountItemUpdate(new AccountItemEventArgs { Account = _account, AccountItem = AccountItem.UnrealizedProfitLoss, Value = i });
            Assert.Single(Nt.Sent(_client, "account"));
            Nt.WaitUntil(() => Nt.Sent(_client, "account").Count == 2, "the held-back account message");
            System.Threading.Thread.Sleep(400);
            Assert.Equal(2, Nt.Sent(_client, "account").Count);
        }

        [Fact]
        public void AnAccountThatLogsInLaterIsAttachedAndAnnounced()
        {
            Account announced = null;
            _broker.AccountAttached += a => announced = a;
            var late = Nt.AddAccount("APEX-2", "ea-41");
            late.RaiseAccountStatusUpdate(new AccountStatusEventArgs { Account = late, Status = ConnectionStatus.Connected, PreviousStatus = ConnectionStatus.Connecting });
            Assert.Same(late, announced);
            Assert.Contains("ea-41", _broker.KnownOrderNames());
            var other = Nt.AddAccount("NOT-CONFIGURED", "x-1");
            other.RaiseAccountStatusUpdate(new AccountStatusEventArgs { Account = other, Status = ConnectionStatus.Connected });
            Assert.DoesNotContain("x-1", _broker.KnownOrderNames());
        }
    }
}
