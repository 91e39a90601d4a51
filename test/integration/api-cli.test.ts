import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'c0ffee00c0ffee00c0ffee00c0ffee00';

describe('enigma run --listen serves the API', () => {
  it('answers the OpenAPI document to anyone and refuses reads without an API token (the gateway token is not one)', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'run',
        'test/fixtures/pipelines/gateway-roundtrip.yaml',
        '--listen',
        '127.0.0.1:0',
        '--quiet',
        '--data-dir',
        mkdtempSync(join(tmpdir(), 'enigma-api-cli-')),
      ],
      { cwd: ROOT, env: { ...process.env, ENIGMA_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
          if (match?.[1]) resolve(match[1]);
        });
        void exited.then((code) =>
          reject(new Error(`the engine exited with ${String(code)} before listening`)),
        );
      });
      const document = await fetch(`${url}/api/v1/openapi.json`);
      expect(document.status).toBe(200);
      expect(((await document.json()) as { openapi: string }).openapi).toBe('3.1.0');
      const bare = await fetch(`${url}/api/v1/status`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer( |$)/);
      expect(await bare.json()).toMatchObject({ error: { code: 'API_UNAUTHORIZED' } });
      const gateway = await fetch(`${url}/api/v1/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(gateway.status).toBe(401);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
