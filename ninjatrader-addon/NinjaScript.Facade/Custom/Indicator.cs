// Compiled with the NinjaScript sources, not into the facade assembly: NinjaTrader declares these
// classes partial in its Custom assembly, and the generated code region of every indicator extends
// them (https://ninjatrader.com/support/helpGuides/nt8/indicator.htm). Partial classes must share
// one compilation.
namespace NinjaTrader.NinjaScript.Indicators
{
    public partial class Indicator : NinjaTrader.Gui.NinjaScript.IndicatorRenderBase
    {
    }
}

namespace NinjaTrader.NinjaScript.MarketAnalyzerColumns
{
    public partial class MarketAnalyzerColumn : MarketAnalyzerColumnBase
    {
        protected NinjaTrader.NinjaScript.Indicators.Indicator indicator = new NinjaTrader.NinjaScript.Indicators.Indicator();
    }
}

namespace NinjaTrader.NinjaScript.Strategies
{
    public partial class Strategy : NinjaTrader.Gui.NinjaScript.StrategyRenderBase
    {
        protected NinjaTrader.NinjaScript.Indicators.Indicator indicator = new NinjaTrader.NinjaScript.Indicators.Indicator();
    }
}
