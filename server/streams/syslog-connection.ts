// A TCP or TLS (RFC 5425) connection to a syslog receiver.
import { type Socket, connect as tcpConnect } from 'node:net';
import { rootCertificates, connect as tlsConnect } from 'node:tls';
import type { Destination } from './destination.js';

export type SyslogDestination = Extract<Destination, { kind: 'syslog' }>;

const CONNECT_TIMEOUT_MS = 10_000;

/** Connects (and for TLS, verifies the receiver's certificate against the system's CAs and `ca`). */
export function openSyslog(d: SyslogDestination, ca: string | null): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = d.tls
      ? tlsConnect({
          host: d.host,
          port: d.port,
          servername: isIpLiteral(d.host) ? undefined : d.host,
          ca: ca ? [...rootCertificates, ca] : undefined,
        })
      : tcpConnect({ host: d.host, port: d.port });
    const timer = setTimeout(() => socket.destroy(new Error('connect timed out')), CONNECT_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', fail);
    socket.once(d.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      socket.setKeepAlive(true, 10_000);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

function isIpLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** Writes and resolves once Node has handed the bytes to the kernel (the socket drained). */
export function writeDrained(socket: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.write(data, (error) => (error ? reject(error) : resolve()));
  });
}
