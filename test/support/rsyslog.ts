// Debian's rsyslogd as a real syslog receiver for tests: a foreground process with its own config and work
// directory, imtcp on a free loopback port (optionally TLS through the gtls driver), writing every message
// whole (structured data included) to one file.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

export interface Rsyslog {
  port: number;
  /** The file rsyslog writes each received message to, one per line. */
  file: string;
  start(): Promise<void>;
  /** SIGTERM and wait for it to exit (it flushes what it received). */
  stop(): Promise<void>;
  read(): string;
  output(): string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A throwaway CA and a server certificate for 127.0.0.1 / localhost, made with openssl. */
export function makeTestCa(dir: string): TlsFiles {
  mkdirSync(dir, { recursive: true });
  const f = (name: string) => join(dir, name);
  const ossl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ossl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Receipts test CA',
  );
  ossl('req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ossl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.pem'),
    '-days',
    '2',
    '-extfile',
    f('san.ext'),
  );
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}

export async function rsyslog(dir: string, opts: { tls?: TlsFiles } = {}): Promise<Rsyslog> {
  mkdirSync(join(dir, 'work'), { recursive: true });
  const port = await freePort();
  const file = join(dir, 'received.log');
  const conf = join(dir, 'rsyslog.conf');
  const tls = opts.tls;
  writeFileSync(
    conf,
    [
      `global(workDirectory="${join(dir, 'work')}" maxMessageSize="64k"${
        tls
          ? ` defaultNetstreamDriver="gtls" defaultNetstreamDriverCAFile="${tls.ca}" defaultNetstreamDriverCertFile="${tls.cert}" defaultNetstreamDriverKeyFile="${tls.key}"`
          : ''
      })`,
      tls
        ? 'module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")'
        : 'module(load="imtcp")',
      // The whole message as received: header, structured data and MSG.
      'template(name="whole" type="string" string="%rawmsg%\\n")',
      `input(type="imtcp" port="${port}" address="127.0.0.1")`,
      `action(type="omfile" file="${file}" template="whole")`,
      '',
    ].join('\n'),
  );
  let proc: ChildProcess | null = null;
  let out = '';
  const r: Rsyslog = {
    port,
    file,
    output: () => out,
    read: () => (existsSync(file) ? readFileSync(file, 'utf8') : ''),
    async start() {
      const p = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslog.pid')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      proc = p;
      p.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      p.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      const deadline = Date.now() + 15_000;
      while (!(await accepts(port))) {
        if (p.exitCode !== null) throw new Error(`rsyslogd exited with ${p.exitCode}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`rsyslogd did not listen on ${port}:\n${out}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    async stop() {
      const p = proc;
      proc = null;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((res) => p.once('exit', res));
      p.kill('SIGTERM');
      await exited;
    },
  };
  return r;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
