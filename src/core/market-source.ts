/**
 * Where market data came from. Every tick and bar on the bus may name its source, and the store
 * keeps each source's prints as their own series (time order is judged per source and
 * instrument), so two feeds of one instrument never refuse each other:
 * - `gateway:<session id>`: a client of the gateway (a NinjaTrader AddOn, `enigma feed`);
 * - `pipeline:<pipeline id>`: a pipeline's own market (simulated, replayed), stamped by `publish`;
 * - no source: the engine's own, unnamed (stored as {@link ENGINE_SOURCE}).
 */

/** What the store calls prints that name no source. */
export const ENGINE_SOURCE = 'engine';

const CLIENT_PREFIX = 'gateway:';

/** The source of a gateway session's market data. */
export function clientSource(sessionId: string): string {
  return `${CLIENT_PREFIX}${sessionId}`;
}

/** The source a pipeline's published market data carries. */
export function pipelineSource(pipelineId: string): string {
  return `pipeline:${pipelineId}`;
}

/** True for market data sent by a gateway client (untrusted: it marks only accounts that client trades). */
export function isClientSource(source: string | undefined): boolean {
  return source !== undefined && source.startsWith(CLIENT_PREFIX);
}
