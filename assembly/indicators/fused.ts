// The fused feature kernel: one call per message and instrument updates every feature of a group
// and writes the whole feature vector. The group is a program of 64-byte records written once by
// the JS side at fuse time: i32 [opcode, state byte offset, output byte offset, a0, a1, a2, a3,
// shared (1: the state is another feature's rolling window, already updated)] then f64 [a0, a1, a2, a3] (each param as an integer and as a float, so no kernel
// converts per message).
// Input records (f64): bar = [ts, open, high, low, close, volume, buyVolume, sellVolume];
// tick = [ts, price, size, bid, ask, side (+1 buy, −1 sell, 0 unknown)].
import {
  atrUpdate,
  bollingerUpdate,
  cumulativeDeltaUpdate,
  donchianUpdate,
  emaUpdate,
  macdUpdate,
  orderFlowImbalanceUpdate,
  realizedVolUpdate,
  rocUpdate,
  rsiUpdate,
  smaUpdate,
  stdevUpdate,
  vwapUpdate,
  wilderUpdate,
  zscoreUpdate,
} from './kernels';

export const RECORD_BYTES: i32 = 64;
export const BAR_WORDS: i32 = 8;
export const TICK_WORDS: i32 = 6;

/** The bar value a price feature reads: 0 close, 1 open, 2 high, 3 low, 4 typical (h+l+c)/3. */
function barPrice(bar: usize, field: i32): f64 {
  switch (field) {
    case 1:
      return load<f64>(bar, 8);
    case 2:
      return load<f64>(bar, 16);
    case 3:
      return load<f64>(bar, 24);
    case 4:
      return (load<f64>(bar, 16) + load<f64>(bar, 24) + load<f64>(bar, 32)) / 3;
    default:
      return load<f64>(bar, 32);
  }
}

/** Runs a bar program of `count` records over one bar; returns 1 when every feature is warm. */
export function fusedBar(program: usize, count: i32, state: usize, bar: usize, out: usize): i32 {
  let warm = true;
  for (let i = 0; i < count; i++) {
    const r = program + <usize>(i * RECORD_BYTES);
    const opcode = load<i32>(r, 0);
    const s = state + <usize>load<i32>(r, 4);
    const o = out + <usize>load<i32>(r, 8);
    const a0 = load<i32>(r, 12);
    const a1 = load<i32>(r, 16);
    const a2 = load<i32>(r, 20);
    const a3 = load<i32>(r, 24);
    let ok: bool;
    switch (opcode) {
      case 0:
        ok = smaUpdate(s, a0, barPrice(bar, a1), o, load<i32>(r, 28) == 0);
        break;
      case 1:
        ok = emaUpdate(s, a0, barPrice(bar, a1), o);
        break;
      case 2:
        ok = wilderUpdate(s, a0, barPrice(bar, a1), o);
        break;
      case 3:
        ok = rsiUpdate(s, a0, barPrice(bar, a1), o);
        break;
      case 4:
        ok = atrUpdate(s, a0, load<f64>(bar, 16), load<f64>(bar, 24), load<f64>(bar, 32), o);
        break;
      case 5:
        ok = bollingerUpdate(s, a0, load<f64>(r, 40), barPrice(bar, a2), o, load<i32>(r, 28) == 0);
        break;
      case 6:
        ok = macdUpdate(s, a0, a1, a2, barPrice(bar, a3), o);
        break;
      case 7:
        ok = stdevUpdate(s, a0, a1, barPrice(bar, a2), o, load<i32>(r, 28) == 0);
        break;
      case 8:
        ok = zscoreUpdate(s, a0, barPrice(bar, a1), o, load<i32>(r, 28) == 0);
        break;
      case 9:
        ok = vwapUpdate(s, a0, load<f64>(r, 40), load<f64>(bar, 0), barPrice(bar, a2), load<f64>(bar, 40), o);
        break;
      case 10:
        ok = realizedVolUpdate(s, a0, load<f64>(r, 40), barPrice(bar, a2), o);
        break;
      case 11:
        ok = rocUpdate(s, a0, barPrice(bar, a1), o);
        break;
      case 12:
        ok = donchianUpdate(s, a0, load<f64>(bar, 16), load<f64>(bar, 24), o);
        break;
      default:
        ok = false;
    }
    if (!ok) warm = false;
  }
  return warm ? 1 : 0;
}

/** Runs a tick program of `count` records over one tick; returns 1 when every feature is warm. */
export function fusedTick(program: usize, count: i32, state: usize, tick: usize, out: usize): i32 {
  let warm = true;
  const ts = load<f64>(tick, 0);
  const price = load<f64>(tick, 8);
  const size = load<f64>(tick, 16);
  const bid = load<f64>(tick, 24);
  const ask = load<f64>(tick, 32);
  const side = load<f64>(tick, 40);
  for (let i = 0; i < count; i++) {
    const r = program + <usize>(i * RECORD_BYTES);
    const opcode = load<i32>(r, 0);
    const s = state + <usize>load<i32>(r, 4);
    const o = out + <usize>load<i32>(r, 8);
    const a0 = load<i32>(r, 12);
    let ok: bool;
    switch (opcode) {
      case 13:
        ok = orderFlowImbalanceUpdate(s, a0, price, size, bid, ask, side, o);
        break;
      case 14:
        ok = cumulativeDeltaUpdate(s, a0, load<f64>(r, 40), ts, price, size, bid, ask, side, o);
        break;
      case 15:
        ok = vwapUpdate(s, a0, load<f64>(r, 40), ts, price, size, o);
        break;
      default:
        ok = false;
    }
    if (!ok) warm = false;
  }
  return warm ? 1 : 0;
}

/**
 * Runs a bar program over `n` bars laid out as rows of BAR_WORDS f64, writing rows of `width`
 * outputs: the whole-series entry point for replay and backfill of any feature group.
 */
export function fusedBarSeries(
  program: usize,
  count: i32,
  state: usize,
  bars: usize,
  n: i32,
  out: usize,
  width: i32,
): i32 {
  let warmAt = -1;
  for (let i = 0; i < n; i++) {
    const ok = fusedBar(
      program,
      count,
      state,
      bars + <usize>(i * BAR_WORDS * 8),
      out + <usize>(i * width * 8),
    );
    if (ok != 0 && warmAt < 0) warmAt = i;
  }
  return warmAt;
}

/** The tick twin of `fusedBarSeries`; returns the index of the first warm row, −1 if none. */
export function fusedTickSeries(
  program: usize,
  count: i32,
  state: usize,
  ticks: usize,
  n: i32,
  out: usize,
  width: i32,
): i32 {
  let warmAt = -1;
  for (let i = 0; i < n; i++) {
    const ok = fusedTick(
      program,
      count,
      state,
      ticks + <usize>(i * TICK_WORDS * 8),
      out + <usize>(i * width * 8),
    );
    if (ok != 0 && warmAt < 0) warmAt = i;
  }
  return warmAt;
}

// A kernel descriptor (16 bytes: i32 program, count, input, output) lets the per-message call
// pass two arguments instead of five: every argument costs time at the JS→WASM boundary.

/** `fusedBar` for the kernel described at `kernel`, on the instrument state at `state`. */
export function fusedBarAt(kernel: usize, state: usize): i32 {
  return fusedBar(
    <usize>load<i32>(kernel, 0),
    load<i32>(kernel, 4),
    state,
    <usize>load<i32>(kernel, 8),
    <usize>load<i32>(kernel, 12),
  );
}

/** `fusedTick` for the kernel described at `kernel`, on the instrument state at `state`. */
export function fusedTickAt(kernel: usize, state: usize): i32 {
  return fusedTick(
    <usize>load<i32>(kernel, 0),
    load<i32>(kernel, 4),
    state,
    <usize>load<i32>(kernel, 8),
    <usize>load<i32>(kernel, 12),
  );
}
