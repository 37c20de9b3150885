import { describe, expect, it } from 'vitest';
import { awsClientOptionsFromEnv } from '../../../src/adapters/aws/clients.js';

describe('AWS client options from the environment', () => {
  it('defaults to us-east-1, standard retries and real AWS endpoints', () => {
    expect(awsClientOptionsFromEnv({})).toEqual({ region: 'us-east-1', endpoint: undefined, maxAttempts: 5, retryMode: 'standard', requestTimeoutMs: 10_000 });
  });

  it('takes the endpoint override, region and retry settings from env', () => {
    const options = awsClientOptionsFromEnv({
      GITGRANT_AWS_ENDPOINT: 'http://127.0.0.1:5000',
      AWS_REGION: 'eu-west-1',
      GITGRANT_AWS_MAX_ATTEMPTS: '3',
      GITGRANT_AWS_RETRY_MODE: 'adaptive',
      GITGRANT_AWS_REQUEST_TIMEOUT_MS: '500',
    });
    expect(options).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:5000', maxAttempts: 3, retryMode: 'adaptive', requestTimeoutMs: 500 });
  });

  it('refuses settings it cannot use, naming the variable', () => {
    expect(() => awsClientOptionsFromEnv({ GITGRANT_AWS_MAX_ATTEMPTS: 'lots' })).toThrow(/GITGRANT_AWS_MAX_ATTEMPTS/);
    expect(() => awsClientOptionsFromEnv({ GITGRANT_AWS_RETRY_MODE: 'legacy' })).toThrow(/GITGRANT_AWS_RETRY_MODE/);
  });
});
