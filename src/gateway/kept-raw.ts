/**
 * What is kept of a refused message (dead letters, the store's rejects): enough to see what the
 * client sent, never more than a bounded size. A refused batch element has no text of its own and
 * must be serialised again; a hostile one may nest thousands of levels deep, where JSON.stringify
 * would overflow the stack and end the process, so nesting is cut at a fixed depth.
 */

/** At most this many characters of a refused message are kept. */
export const MAX_KEPT_RAW_CHARS = 1_024;
const MAX_DEPTH = 16;

/** The message's own frame text when it had one, else a depth-bounded serialisation; capped. */
export function keptRaw(value: unknown, text?: string): string {
  const raw = text ?? boundedJson(value);
  if (raw.length <= MAX_KEPT_RAW_CHARS) return raw;
  const length =
    text === undefined ? `${String(raw.length)}+ characters` : `${String(Buffer.byteLength(text))} bytes`;
  return `${raw.slice(0, MAX_KEPT_RAW_CHARS - 48)}…[truncated: ${length}]`;
}

/** JSON of `value` with nesting below MAX_DEPTH replaced by "…", stopping once past the cap. */
function boundedJson(value: unknown): string {
  const parts: string[] = [];
  let size = 0;
  const push = (part: string): boolean => {
    parts.push(part);
    size += part.length;
    return size <= MAX_KEPT_RAW_CHARS;
  };
  const write = (item: unknown, depth: number): boolean => {
    if (item === null || typeof item !== 'object') return push(JSON.stringify(item) ?? 'null');
    if (depth >= MAX_DEPTH) return push('"…"');
    const array = Array.isArray(item);
    if (!push(array ? '[' : '{')) return false;
    let first = true;
    for (const [key, child] of Object.entries(item)) {
      if (!first && !push(',')) return false;
      first = false;
      if (!array && !push(`${JSON.stringify(key)}:`)) return false;
      if (!write(child, depth + 1)) return false;
    }
    return push(array ? ']' : '}');
  };
  write(value, 0);
  return parts.join('');
}

/** Refused messages a session may have kept whole per second; past it only the reason is kept. */
export const MAX_KEPT_REJECTS_PER_SECOND = 50;

/**
 * Bounds what one session's refused messages cost the history: every refusal keeps its code,
 * reason and seq, but only the first `perSecond` of each second keep their raw text; the rest are
 * counted (`notKept`), so a flood of garbage cannot grow the database or the engine's memory.
 */
export class RejectBudget {
  notKept = 0;
  private windowStart = Number.NEGATIVE_INFINITY;
  private inWindow = 0;

  constructor(private readonly perSecond = MAX_KEPT_REJECTS_PER_SECOND) {}

  /** The raw text to keep for a refusal at `now` (µs): itself, or a note that it was not kept. */
  keep(raw: string, now: number): string {
    if (now - this.windowStart >= 1_000_000) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    this.inWindow += 1;
    if (this.inWindow <= this.perSecond) return raw;
    this.notKept += 1;
    return `[raw text not kept: more than ${String(this.perSecond)} refused messages in one second from this session; ${String(raw.length)} characters]`;
  }
}
