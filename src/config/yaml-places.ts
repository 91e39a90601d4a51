import { isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

/** `/accounts/1/mode` (a JSON pointer, as schema errors give it) as segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Segments as a path a reader knows: `accounts[1].mode`. */
export function displayPath(segments: readonly (string | number)[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number' || /^[0-9]+$/.test(segment)) text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

/**
 * The 1-based line of a place in a parsed YAML document: the key or item the path names, else the
 * deepest part of the path that exists (a missing key is reported where its parent is).
 */
export function lineOf(
  document: Document,
  lines: LineCounter,
  segments: readonly (string | number)[],
): number | undefined {
  const lineAt = (node: unknown): number | undefined => {
    const offset = (node as { range?: [number, number, number] } | null)?.range?.[0];
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
  let node: unknown = document.contents;
  let line = lineAt(node);
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => String(isScalar(item.key) ? item.key.value : item.key) === String(segment),
      );
      if (!pair) break;
      line = lineAt(pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) break;
      line = lineAt(item) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}
