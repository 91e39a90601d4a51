import { describeRefusal, type EngineApi } from './engine-api.js';

const writeError = (text: string): void => void process.stderr.write(text);

/** `GET /proposals`: the orders waiting for a person, as the running engine holds them. */
export async function proposalsThroughApi(api: EngineApi): Promise<unknown[] | undefined> {
  const reply = await api.call('GET', '/proposals');
  if (reply.status === 200) return reply.body.items as unknown[];
  writeError(describeRefusal(reply, 'viewer'));
  return undefined;
}

/**
 * `enigma confirm|reject <id>...` with an engine running: one `POST /proposals/{id}/<decision>`
 * each, as the token's holder (the audit log names it). An unknown or refused id is said and the
 * rest go on; a refused token stops at the first id, since every other would be refused too.
 */
export async function decideThroughApi(
  api: EngineApi,
  decision: 'confirm' | 'reject',
  ids: readonly string[],
): Promise<number> {
  let failed = 0;
  for (const id of ids) {
    const reply = await api.call('POST', `/proposals/${encodeURIComponent(id)}/${decision}`, {});
    if (reply.status === 200) {
      process.stdout.write(
        `${decision} of ${id} done by the running engine: ${String(reply.body.message)}\n`,
      );
      continue;
    }
    failed++;
    if (reply.status === 404) {
      writeError(`no open proposal '${id}' [RISK_UNKNOWN_PROPOSAL]\n`);
      continue;
    }
    writeError(`${decision} of ${id} not done: ${describeRefusal(reply, 'trader')}`);
    if (reply.status === 401 || reply.status === 403 || reply.status === 429) return 1;
  }
  return failed > 0 ? 1 : 0;
}
