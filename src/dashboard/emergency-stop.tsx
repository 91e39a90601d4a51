import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, command } from './api-client.js';
import type { CommandOutcome } from './types.js';

type Phase = 'idle' | 'confirming' | 'sending';

/** What the engine said, in words: its own message and the accounts it acted on. */
function describe(action: string, outcome: CommandOutcome): string {
  const accounts = outcome.accounts.length > 0 ? ` Accounts: ${outcome.accounts.join(', ')}.` : '';
  return `${outcome.ok ? `${action}: ` : `${action} refused by the engine: `}${outcome.message}.${accounts}`;
}

function failure(action: string, error: unknown): string {
  return error instanceof ApiError
    ? `${action} failed: ${error.message} (${error.code}, HTTP ${String(error.status)}).`
    : `${action} failed: the engine cannot be reached. Nothing was sent.`;
}

/**
 * The kill switch, on every view: one click asks, a second confirms, then a plain API call
 * (`POST /api/v1/accounts/halt`) cancels, flattens and halts every account. It does not depend
 * on the live stream. The engine's answer is shown as it gave it; Resume lifts the halt.
 */
export function EmergencyStop(props: { readonly token: string; readonly anyHalted: boolean }) {
  const [phase, setPhase] = useState<Phase>('idle');
  const [result, setResult] = useState<{ text: string; ok: boolean } | null>(null);
  const [halted, setHalted] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (phase === 'confirming') confirmRef.current?.focus();
  }, [phase]);

  const send = async (action: 'halt' | 'resume'): Promise<void> => {
    const label = action === 'halt' ? 'Emergency stop' : 'Resume';
    setPhase('sending');
    try {
      const body = action === 'halt' ? { reason: 'emergency stop from the dashboard' } : {};
      const outcome = await command(`/accounts/${action}`, props.token, body);
      setResult({ text: describe(label, outcome), ok: outcome.ok });
      if (outcome.ok) setHalted(action === 'halt');
    } catch (error) {
      setResult({ text: failure(label, error), ok: false });
    }
    setPhase('idle');
  };

  const cancel = (): void => {
    setPhase('idle');
    stopRef.current?.focus();
  };

  return (
    <section class="estop" aria-label="Emergency stop controls">
      {phase !== 'confirming' && (
        <button
          ref={stopRef}
          type="button"
          class="estop-button"
          aria-label="STOP ALL: emergency stop, cancel all orders, flatten all positions and halt all accounts"
          disabled={phase === 'sending'}
          onClick={() => setPhase('confirming')}
        >
          <span aria-hidden="true">■</span> STOP ALL
        </button>
      )}
      {phase === 'confirming' && (
        <div
          class="estop-confirm"
          role="alertdialog"
          aria-labelledby="estop-question"
          onKeyDown={(event) => event.key === 'Escape' && cancel()}
        >
          <span id="estop-question">Cancel orders, flatten and halt every account?</span>
          <button ref={confirmRef} type="button" class="estop-button" onClick={() => void send('halt')}>
            Confirm: halt all
          </button>
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      )}
      {(halted || props.anyHalted) && phase !== 'confirming' && (
        <button
          type="button"
          class="resume-button"
          aria-label="Resume: lift the halt on all accounts"
          disabled={phase === 'sending'}
          onClick={() => void send('resume')}
        >
          <span aria-hidden="true">▶</span> Resume
        </button>
      )}
      <p
        class={`estop-result ${result?.ok === false ? 'is-error' : ''}`}
        role="status"
        data-testid="estop-result"
      >
        {result?.text ?? ''}
      </p>
    </section>
  );
}
