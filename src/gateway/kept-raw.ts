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
