import type { Registry } from 'prom-client';
import type { GatewayStats } from '../../gateway/gateway.js';
import { scrapedCounter, scrapedGauge } from './scraped.js';

/** What the exporter reads of the NinjaTrader gateway (Gateway has it). */
export interface MeteredGateway {
  stats(): GatewayStats;
}

/** The gateway's counters that count messages, by what became of them. */
const MESSAGE_OUTCOMES = [
  ['accepted', 'accepted'],
  ['rejected', 'rejected'],
  ['duplicate', 'duplicates'],
  ['store_refused', 'storeRefused'],
] as const;

/** The gateway's counters of things that happened to sessions. */
const SESSION_EVENTS = [
  ['gap', 'gaps'],
  ['throttled', 'throttled'],
  ['backpressure_pause', 'backpressurePauses'],
  ['heartbeat_timeout', 'heartbeatTimeouts'],
  ['slow_consumer', 'slowConsumers'],
  ['flood', 'floods'],
] as const;

/** AddOn connections and sessions, and the gateway's message counters, read at scrape time. */
export function registerGatewayMetrics(registry: Registry, gateway: MeteredGateway): void {
  scrapedGauge({
    registry,
    name: 'enigma_gateway_connections',
    help: 'Open WebSocket connections of NinjaTrader AddOns.',
    read: () => [[{}, gateway.stats().connections]],
  });
  scrapedGauge({
    registry,
    name: 'enigma_gateway_sessions',
    help: 'AddOn sessions the gateway holds (connected, or disconnected and resumable).',
    read: () => [[{}, gateway.stats().sessions]],
  });
  scrapedCounter({
    registry,
    name: 'enigma_gateway_messages_total',
    help: 'Messages from AddOns, by outcome: accepted, rejected, duplicate (a resend), store_refused.',
    labelNames: ['outcome'],
    read: () => {
      const stats = gateway.stats();
      return MESSAGE_OUTCOMES.map(([outcome, key]) => [{ outcome }, stats[key]] as const);
    },
  });
  scrapedCounter({
    registry,
    name: 'enigma_gateway_session_events_total',
    help: 'Sequence gaps, throttling, backpressure pauses, heartbeat timeouts, slow consumers and floods.',
    labelNames: ['event'],
    read: () => {
      const stats = gateway.stats();
      return SESSION_EVENTS.map(([event, key]) => [{ event }, stats[key]] as const);
    },
  });
}
