import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MotoUnavailable, startMoto } from '../../../src/adapters/sandbox/moto.js';
import { isRunning } from '../../support/process.js';

/** A python3 that runs without site-packages, as one where moto was never installed. */
function pythonWithoutMoto(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitgrant-no-moto-'));
  const path = join(dir, 'python3');
  writeFileSync(path, '#!/bin/sh\nexec python3 -S "$@"\n', { mode: 0o755 });
  return path;
}

describe('starting moto', () => {
  it('explains how to install it when the interpreter is missing', async () => {
    const started = startMoto({ python: '/nonexistent/python3' });
    await expect(started).rejects.toThrow(MotoUnavailable);
    await expect(started).rejects.toThrow('cannot start moto: /nonexistent/python3 was not found');
    await expect(started).rejects.toHaveProperty('hint', expect.stringMatching(/apt-get install python3-moto.*pip install 'moto\[server\]'/));
  });

  it('explains how to install it when the interpreter has no moto', async () => {
    const started = startMoto({ python: pythonWithoutMoto() });
    await expect(started).rejects.toThrow(/cannot start moto: .*python3 has no moto server \(ModuleNotFoundError: No module named 'moto'\)/);
    await expect(started).rejects.toHaveProperty('hint', expect.stringContaining('python3-moto'));
  });

  it('answers on a loopback port, forgets everything on reset, and stops with no python process left', async () => {
    const moto = await startMoto();
    try {
      expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(isRunning(moto.pid)).toBe(true);
      await expect(moto.reset()).resolves.toBeUndefined();
    } finally {
      await moto.stop();
    }
    await expect(fetch(`${moto.endpoint}/moto-api/`)).rejects.toThrow();
    expect(isRunning(moto.pid)).toBe(false);
  });

  it('refuses a port something already answers on', async () => {
    const first = await startMoto();
    try {
      await expect(startMoto({ port: first.port })).rejects.toThrow(`port ${first.port} is already in use`);
    } finally {
      await first.stop();
    }
  });
});
