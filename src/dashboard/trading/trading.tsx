import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Role } from '../types.js';
import { CandleChart } from './candle-chart.js';
import { TradingFeed, type TradingState } from './trading-feed.js';
import { FillsTable, OrdersTable, PositionsTable, SignalsTable } from './trading-tables.js';
import './trading.css';

function useFeed(feed: TradingFeed): TradingState {
  const [state, setState] = useState(feed.current);
  useEffect(() => {
    setState(feed.current);
    return feed.onChange(setState);
  }, [feed]);
  return state;
}

/** `#/trading`: a live candle chart per instrument, then positions, working orders, fills and signals. */
export function Trading(props: { readonly token: string; readonly role: Role | null }) {
  const feed = useMemo(() => new TradingFeed(props.token), [props.token]);
  useEffect(() => {
    feed.start();
    return () => feed.stop();
  }, [feed]);
  const state = useFeed(feed);
  // Cancelling is a trader's act (the API's rule): viewers see no button.
  const canCancel = props.role === 'trader' || props.role === 'admin';
  return (
    <div class={`trading${state.live ? '' : ' is-stale'}`} data-trading-live={String(state.live)}>
      <section aria-labelledby="charts-title">
        <h2 id="charts-title">Trading</h2>
        {!state.live && <p class="hint">Connecting to the engine's trading feed…</p>}
        {state.symbols.length === 0 ? (
          <p>No instrument yet: a chart appears with the first bar, signal, order or position.</p>
        ) : (
          <div class="charts">
            {state.symbols.map((symbol) => (
              <CandleChart
                key={symbol}
                symbol={symbol}
                bars={state.bars[symbol] ?? []}
                signals={state.signals}
                fills={state.fills}
              />
            ))}
          </div>
        )}
        <p class="hint">
          Charts by{' '}
          <a href="https://www.tradingview.com/" rel="noreferrer" target="_blank">
            TradingView
          </a>{' '}
          Lightweight Charts. Times in UTC.
        </p>
      </section>
      <div class="trading-tables">
        <PositionsTable positions={state.positions} />
        <OrdersTable orders={state.orders} token={props.token} canCancel={canCancel} />
        <FillsTable fills={state.fills} />
        <SignalsTable signals={state.signals} decisions={state.decisions} />
      </div>
    </div>
  );
}
