import { describe, expect, it } from 'vitest';
import { startMoto } from '../../support/moto.js';

describe('starting moto', () => {
  it('explains how to install it when the interpreter is missing', async () => {
    await expect(startMoto({ python: '/nonexistent/python3' })).rejects.toThrow(/cannot start moto: .*pip install 'moto\[server\]'/);
  });

  it('explains how to install it when the interpreter has no moto', async () => {
    await expect(startMoto({ python: 'node' })).rejects.toThrow(/moto exited with .* before answering.*pip install/);
  });

  it('answers on a loopback port, forgets everything on reset, and stops', async () => {
    const moto = await startMoto();
    try {
      expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await expect(moto.reset()).resolves.toBeUndefined();
    } finally {
      await moto.stop();
    }
    await expect(fetch(`${moto.endpoint}/moto-api/`)).rejects.toThrow();
  });
});
