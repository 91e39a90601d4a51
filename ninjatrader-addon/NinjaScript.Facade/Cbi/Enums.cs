// Enumerations of NinjaTrader.Cbi used by the NinjaTrader layer. Reference:
// NinjaTrader 8 Help Guide, NinjaScript > Language Reference (https://ninjatrader.com/support/helpGuides/nt8/).
namespace NinjaTrader.Cbi
{
    /// <summary>Order actions. https://ninjatrader.com/support/helpGuides/nt8/createorder.htm</summary>
    public enum OrderAction { Buy, BuyToCover, Sell, SellShort }

    /// <summary>Order types. https://ninjatrader.com/support/helpGuides/nt8/createorder.htm</summary>
    public enum OrderType { Limit, Market, MIT, StopLimit, StopMarket, Unknown = 99 }

    /// <summary>CME tag 1028: manual or automated entry. https://ninjatrader.com/support/helpGuides/nt8/createorder.htm</summary>
    public enum OrderEntry { Automated, Manual }

    /// <summary>Time in force. https://ninjatrader.com/support/helpGuides/nt8/createorder.htm (Day, Gtc, Gtd, Ioc, Opg)</summary>
    public enum TimeInForce { Day, Gtc, Gtd, Ioc, Opg }

    /// <summary>
    /// Order states, including <c>Suspended</c> (a GTC order between sessions) and
    /// <c>AcceptedByRisk</c> of NinjaTrader 8.1. https://ninjatrader.com/support/helpGuides/nt8/orderstate.htm
    /// (values as listed on https://ninjatrader.com/support/helpGuides/nt8/order.htm)
    /// </summary>
    public enum OrderState
    {
        Accepted, Cancelled, Filled, Initialized, PartFilled, CancelSubmitted, ChangeSubmitted, Submitted,
        TriggerPending, Rejected, Working, CancelPending, ChangePending, Suspended, AcceptedByRisk = 50, Unknown = 99,
    }

    /// <summary>Market position. https://ninjatrader.com/support/helpGuides/nt8/marketposition.htm</summary>
    public enum MarketPosition { Flat, Long, Short }

    /// <summary>Account values read with Account.Get. https://ninjatrader.com/support/helpGuides/nt8/accountitem.htm</summary>
    public enum AccountItem
    {
        BuyingPower, CashValue, Commission, ExcessInitialMargin, ExcessIntradayMargin, ExcessMaintenanceMargin,
        ExcessPositionMargin, Fee, GrossRealizedProfitLoss, InitialMargin, IntradayMargin, LongOptionValue,
        LookAheadMaintenanceMargin, MaintenanceMargin, NetLiquidation, NetLiquidationByCurrency, PositionMargin,
        RealizedProfitLoss, ShortOptionValue, SodCashValue, SodLiquidatingValue, TotalCashBalance,
        TrailingMaxDrawdown, UnrealizedProfitLoss, WeeklyLossLimit, DailyLossLimit,
    }

    /// <summary>Currencies. https://ninjatrader.com/support/helpGuides/nt8/get.htm (Currency.UsDollar in its example)</summary>
    public enum Currency
    {
        AustralianDollar, BritishPound, CanadianDollar, Euro, HongKongDollar, JapaneseYen, NewZealandDollar,
        NorwegianKrone, SingaporeDollar, SwedishKrona, SwissFranc, UsDollar, Unknown,
    }

    /// <summary>Connection states in AccountStatusEventArgs. https://ninjatrader.com/support/helpGuides/nt8/accountstatusupdate.htm</summary>
    public enum ConnectionStatus { Disconnected, Disconnecting, ConnectionLost, Connected, Connecting }

    /// <summary>Error of an order update. https://ninjatrader.com/support/helpGuides/nt8/orderupdate.htm (OrderEventArgs.Error)</summary>
    public enum ErrorCode
    {
        NoError, LogOnFailed, OrderRejected, UnableToCancelOrder, UnableToChangeOrder, UnableToSubmitOrder,
        UserAbort, Panic, ServerConnectionIsBroken, NotSupported, Unknown,
    }

    /// <summary>Add/update/remove of a position or execution. https://ninjatrader.com/support/helpGuides/nt8/positionupdate.htm</summary>
    public enum Operation { Add, Update, Remove }
}

namespace NinjaTrader.NinjaScript
{
    /// <summary>Output window tab. https://ninjatrader.com/support/helpGuides/nt8/printto.htm</summary>
    public enum PrintTo { OutputTab1, OutputTab2 }
}
