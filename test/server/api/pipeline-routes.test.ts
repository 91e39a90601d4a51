import { existsSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Json } from './api-engine.js';
import { pipelineYaml, startPipelineEngine, type PipelineEngine } from './pipeline-engine.js';

let api: PipelineEngine | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** Lines a jsonl sink wrote in the data directory. */
function lines(api: PipelineEngine, file: string): number {
  const path = join(api.dataDir, file);
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line !== '').length
    : 0;
}

/** Resolves once `id` has emitted more than `count` messages. */
async function emitsBeyond(api: PipelineEngine, id: string, count: number): Promise<void> {
  await vi.waitFor(() => expect(api.messages(id)).toBeGreaterThan(count), { timeout: 5_000, interval: 20 });
}

describe('the API pipeline routes', () => {
  it('stops one of two pipelines (drained and flushed) while the other keeps emitting, and the engine stays up without any', async () => {
    api = await startPipelineEngine();
    await emitsBeyond(api, 'alpha', 20);
    await emitsBeyond(api, 'beta', 20);

    const stopped = await api.call('POST', '/pipelines/alpha/stop', api.admin);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ id: 'alpha', state: 'stopped', error: null });
    expect(stopped.body.stoppedTs).toBeGreaterThanOrEqual(stopped.body.startedTs);
    // Every message the source emitted went through to the sink, which flushed before the answer.
    const alpha = api.messages('alpha');
    expect(lines(api, 'alpha.jsonl')).toBe(alpha);

    const beta = api.messages('beta');
    await emitsBeyond(api, 'beta', beta + 50);
    expect(api.messages('alpha')).toBe(alpha);
    const listed = await api.call('GET', '/pipelines', api.viewer);
    expect(listed.body.items).toMatchObject([
      { id: 'alpha', state: 'stopped', file: realpathSync(join(api.started, 'alpha.yaml')) },
      { id: 'beta', state: 'running', stoppedTs: null },
    ]);

    const again = await api.call('POST', '/pipelines/alpha/stop', api.admin);
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'PIPELINE_ALREADY_STOPPED' } } });
    const unknown = await api.call('POST', '/pipelines/gamma/stop', api.admin);
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'PIPELINE_NOT_FOUND' } } });

    // With its last pipeline stopped, a live engine that listens goes on: its API still answers.
    let ended = false;
    void api.engine.finished().then(() => (ended = true));
    expect((await api.call('POST', '/pipelines/beta/stop', api.admin)).status).toBe(200);
    expect((await api.call('GET', '/pipelines', api.viewer)).body.items.map((p: Json) => p.state)).toEqual([
      'stopped',
      'stopped',
    ]);
    expect((await api.call('GET', '/status', api.viewer)).status).toBe(200);
    expect(ended).toBe(false);

    // A stopped pipeline starts again from its file (its folder is one the engine started from).
    const restarted = await api.call('POST', '/pipelines', api.admin, {
      file: join(api.started, 'alpha.yaml'),
    });
    expect(restarted).toMatchObject({
      status: 201,
      body: { id: 'alpha', state: 'running', stoppedTs: null },
    });
    await emitsBeyond(api, 'alpha', 0);
    expect(api.audit).toMatchObject([
      { principal: 'ops', role: 'admin', action: 'pipeline.stop', target: 'alpha', outcome: 'ok' },
      { action: 'pipeline.stop', target: 'alpha', outcome: 'refused' },
      { action: 'pipeline.stop', target: 'gamma', outcome: 'refused' },
      { action: 'pipeline.stop', target: 'beta', outcome: 'ok' },
      { action: 'pipeline.start', target: join(api.started, 'alpha.yaml'), outcome: 'ok' },
    ]);

    // The summary has each run: the first alpha, then the current alpha and beta.
    const running = api;
    api = undefined;
    const final = await running.engine.stop();
    expect(ended).toBe(true);
    expect(final.map((run) => run.pipeline)).toEqual(['alpha', 'alpha', 'beta']);
    expect(final[0]?.sourceMessages).toBe(alpha);
  });

  it('reloads with a broken file: answers every problem and leaves the running pipeline untouched', async () => {
    api = await startPipelineEngine();
    await emitsBeyond(api, 'alpha', 0);
    const running = api.engine.pipelines.find((run) => run.id === 'alpha');
    writeFileSync(
      join(api.home, 'broken.yaml'),
      [
        'id: alpha',
        'steps:',
        '  - { id: market, op: simulatedMarket, params: { seed: 1, instruments: [XX 12-26], ticksPerSecond: -5 } }',
        '  - { id: odd, op: noSuchOperator, from: market }',
        '',
      ].join('\n'),
    );
    const broken = await api.call('POST', '/pipelines/alpha/reload', api.admin, { file: 'broken.yaml' });
    expect(broken.status).toBe(400);
    const issues = broken.body.error.issues as Json[];
    expect(issues.map((issue) => issue.code)).toEqual(
      expect.arrayContaining(['PIPELINE_BAD_PARAMS', 'PIPELINE_UNKNOWN_OPERATOR']),
    );
    expect(issues.length).toBeGreaterThanOrEqual(2);
    expect(issues).toContainEqual(
      expect.objectContaining({ code: 'PIPELINE_UNKNOWN_OPERATOR', stepId: 'odd', file: expect.any(String) }),
    );

    // Its own file broken in place: reloaded without a file, the same answer.
    writeFileSync(join(api.started, 'alpha.yaml'), 'id: alpha\nsteps: [ {\n');
    const syntax = await api.call('POST', '/pipelines/alpha/reload', api.admin);
    expect(syntax.status).toBe(400);
    expect(syntax.body.error.issues[0]).toMatchObject({ code: 'PIPELINE_YAML_SYNTAX' });
    // A good file of another pipeline: a reload keeps the id.
    writeFileSync(join(api.home, 'gamma.yaml'), pipelineYaml('gamma'));
    const other = await api.call('POST', '/pipelines/alpha/reload', api.admin, { file: 'gamma.yaml' });
    expect(other.status).toBe(400);
    expect(other.body.error.issues).toMatchObject([{ code: 'PIPELINE_ID_MISMATCH' }]);

    // The same run goes on emitting.
    expect(api.engine.pipelines.find((run) => run.id === 'alpha')).toBe(running);
    const count = api.messages('alpha');
    await emitsBeyond(api, 'alpha', count + 20);
    expect(api.engine.listPipelines().map((pipeline) => [pipeline.id, pipeline.state])).toEqual([
      ['alpha', 'running'],
      ['beta', 'running'],
    ]);
    expect(api.audit.map((entry) => [entry.action, entry.outcome])).toEqual([
      ['pipeline.reload', 'refused'],
      ['pipeline.reload', 'refused'],
      ['pipeline.reload', 'refused'],
    ]);
  });

  it('puts the previous definition back when the new one compiles but cannot be built', async () => {
    api = await startPipelineEngine();
    await emitsBeyond(api, 'alpha', 0);
    // The new sink's folder is a file: the sink cannot be created.
    writeFileSync(join(api.dataDir, 'blocker'), '');
    writeFileSync(join(api.home, 'blocked.yaml'), pipelineYaml('alpha', { record: 'blocker/alpha.jsonl' }));
    const blocked = await api.call('POST', '/pipelines/alpha/reload', api.admin, { file: 'blocked.yaml' });
    expect(blocked.status).toBe(500);
    expect(blocked.body.error).toMatchObject({ code: 'PIPELINE_START_FAILED' });
    expect(blocked.body.error.message).toContain("the previous definition of 'alpha' runs again");
    expect(api.engine.listPipelines()[0]).toMatchObject({
      id: 'alpha',
      state: 'running',
      file: realpathSync(join(api.started, 'alpha.yaml')),
    });
    await emitsBeyond(api, 'alpha', 0);
    expect(api.audit).toMatchObject([{ action: 'pipeline.reload', outcome: 'refused' }]);
  });

  it('reloads with a good file: stops the old run (flushed) and starts the new definition under the same id', async () => {
    api = await startPipelineEngine();
    await emitsBeyond(api, 'alpha', 20);
    const before = api.engine.pipelines.find((run) => run.id === 'alpha');
    writeFileSync(
      join(api.home, 'alpha-v2.yaml'),
      pipelineYaml('alpha', { seed: 7, record: 'alpha-v2.jsonl' }),
    );

    const reloaded = await api.call('POST', '/pipelines/alpha/reload', api.admin, { file: 'alpha-v2.yaml' });
    expect(reloaded).toMatchObject({
      status: 200,
      body: { id: 'alpha', state: 'running', file: realpathSync(join(api.home, 'alpha-v2.yaml')) },
    });
    const after = api.engine.pipelines.find((run) => run.id === 'alpha');
    expect(after).not.toBe(before);
    // The old run drained into its file before the new one started; the new one writes its own.
    const old = lines(api, 'alpha.jsonl');
    expect(old).toBeGreaterThan(20);
    await emitsBeyond(api, 'alpha', 20);
    expect(lines(api, 'alpha.jsonl')).toBe(old);
    expect(api.engine.pipelines.map((run) => run.id)).toEqual(['alpha', 'beta']);
    const status = await api.call('GET', '/status', api.viewer);
    expect(status.body.pipelines.map((pipeline: Json) => pipeline.pipeline)).toEqual(['alpha', 'beta']);
    expect(api.audit).toMatchObject([{ action: 'pipeline.reload', target: 'alpha', outcome: 'ok' }]);
    // Prometheus sees one series per pipeline: the new run's, not both.
    const scraped = await fetch(`${api.engine.gateway?.url ?? ''}/metrics`, {
      headers: { authorization: `Bearer ${api.viewer}` },
    });
    const series = (await scraped.text())
      .split('\n')
      .filter((line) => line.startsWith('enigma_pipeline_source_messages_total{'));
    expect(series.map((line) => line.split(' ')[0])).toEqual([
      'enigma_pipeline_source_messages_total{pipeline="alpha"}',
      'enigma_pipeline_source_messages_total{pipeline="beta"}',
    ]);

    const running = api;
    api = undefined;
    const final = await running.engine.stop();
    expect(final.map((run) => run.pipeline)).toEqual(['alpha', 'alpha', 'beta']);
    expect(final[0]?.sourceMessages).toBe(old);
    expect(lines(running, 'alpha-v2.jsonl')).toBe(final[1]?.sourceMessages);
  });

  it("starts a file only from the engine's pipeline folders, never from a path a client makes up", async () => {
    api = await startPipelineEngine();
    writeFileSync(join(api.elsewhere, 'evil.yaml'), pipelineYaml('evil'));
    symlinkSync(join(api.elsewhere, 'evil.yaml'), join(api.home, 'link.yaml'));
    for (const file of [join(api.elsewhere, 'evil.yaml'), '../elsewhere/evil.yaml', 'link.yaml']) {
      const refused = await api.call('POST', '/pipelines', api.admin, { file });
      expect(refused.status, file).toBe(400);
      expect(refused.body.error.issues, file).toMatchObject([{ code: 'PIPELINE_PATH_REFUSED', file }]);
    }
    const missing = await api.call('POST', '/pipelines', api.admin, { file: 'missing.yaml' });
    expect(missing.body.error.issues).toMatchObject([{ code: 'PIPELINE_FILE_UNREADABLE' }]);
    expect(api.engine.pipelines.map((run) => run.id)).toEqual(['alpha', 'beta']);
    expect(lines(api, 'evil.jsonl')).toBe(0);

    // A file in its `pipelines/` folder, by its name.
    writeFileSync(join(api.home, 'gamma.yaml'), pipelineYaml('gamma'));
    const started = await api.call('POST', '/pipelines', api.admin, { file: 'gamma.yaml' });
    expect(started).toMatchObject({ status: 201, body: { id: 'gamma', state: 'running' } });
    await emitsBeyond(api, 'gamma', 0);
    const twice = await api.call('POST', '/pipelines', api.admin, { file: 'gamma.yaml' });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'PIPELINE_ALREADY_RUNNING' } } });
    expect(api.audit.map((entry) => [entry.target, entry.outcome])).toEqual([
      [join(api.elsewhere, 'evil.yaml'), 'refused'],
      ['../elsewhere/evil.yaml', 'refused'],
      ['link.yaml', 'refused'],
      ['missing.yaml', 'refused'],
      ['gamma.yaml', 'ok'],
      ['gamma.yaml', 'refused'],
    ]);
  });
});
