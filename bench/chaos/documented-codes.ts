import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PROTOCOL_DOC = fileURLToPath(new URL('../../docs/protocol.md', import.meta.url));

/**
 * The close codes docs/protocol.md §5 documents (its "Close code" table), read from the page
 * itself: the fuzzer judges the engine against the contract clients are written from.
 */
export function documentedCloseCodes(markdown = readFileSync(PROTOCOL_DOC, 'utf8')): Set<number> {
  const start = markdown.indexOf('\n## 5.');
  const end = markdown.indexOf('\n## 6.', start);
  if (start < 0 || end < 0) throw new Error('docs/protocol.md has no section 5 (error codes)');
  const codes = new Set<number>();
  for (const match of markdown.slice(start, end).matchAll(/^\| (\d{4}) \|/gm)) codes.add(Number(match[1]));
  return codes;
}
