import { count, timeOfDay } from '../format.js';
import type { DeadLetterFeed } from './use-dead-letters.js';

/** The newest dead letters: where, the code, the reason in the engine's words, and the raw message (clipped). */
export function DeadLetters(props: { readonly feed: DeadLetterFeed }) {
  const { letters, problem } = props.feed;
  return (
    <section class="panel" aria-labelledby="dead-letters-title" data-testid="dead-letters">
      <h2 id="dead-letters-title">Dead letters</h2>
      {problem !== null && <p class="hint">Not readable: {problem}.</p>}
      {letters.length === 0 ? (
        problem === null && <p>None: every message was taken.</p>
      ) : (
        <div class="table-wrap">
          <table class="dead-letters">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Origin</th>
                <th scope="col">Code</th>
                <th scope="col">Reason</th>
                <th scope="col">Message as it came</th>
              </tr>
            </thead>
            <tbody>
              {letters.map((letter, index) => (
                <tr key={`${String(letter.ts)}|${letter.origin}|${String(index)}`} data-code={letter.code}>
                  <td>{timeOfDay(letter.ts / 1000)}</td>
                  <td data-field="origin">{letter.origin}</td>
                  <td>
                    <code>{letter.code}</code>
                  </td>
                  <td data-field="reason">{letter.reason}</td>
                  <td class="payload">
                    <code>{letter.payload}</code>
                    {letter.payloadChars > letter.payload.length && (
                      <span class="hint"> … ({count(letter.payloadChars)} characters in all)</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
