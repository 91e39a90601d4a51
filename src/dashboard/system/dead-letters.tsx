import { count, timeOfDay } from '../format.js';
import type { DeadLetterFeed } from './use-dead-letters.js';

/**
 * The newest dead letters: when, where, the code, the reason in the engine's words, and the raw
 * message (clipped). A list, not a table, so a long origin or message wraps on a phone.
 */
export function DeadLetters(props: { readonly feed: DeadLetterFeed }) {
  const { letters, problem } = props.feed;
  return (
    <section class="panel" aria-labelledby="dead-letters-title" data-testid="dead-letters">
      <h2 id="dead-letters-title">Dead letters</h2>
      {problem !== null && <p class="hint">Not readable: {problem}.</p>}
      {letters.length === 0 ? (
        problem === null && <p>None: every message was taken.</p>
      ) : (
        <ol class="letter-list">
          {letters.map((letter, index) => (
            <li key={`${String(letter.ts)}|${letter.origin}|${String(index)}`} data-code={letter.code}>
              <div class="letter-head">
                <time>{timeOfDay(letter.ts / 1000)}</time>
                <code>{letter.code}</code>
                <span data-field="origin">{letter.origin}</span>
              </div>
              <p data-field="reason">{letter.reason}</p>
              <p class="payload">
                <span class="sr-only">Message as it came: </span>
                <code>{letter.payload}</code>
                {letter.payloadChars > letter.payload.length && (
                  <span class="hint"> … ({count(letter.payloadChars)} characters in all)</span>
                )}
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
