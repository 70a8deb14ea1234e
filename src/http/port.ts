import net from 'node:net';

/** The port a setting names is taken: the process stops before it touches its data directory. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/**
 * Fail when `port` on `host` cannot be listened on, before anything else starts: a second `npm start`
 * beside a running one used to start the embedded PostgreSQL on the same data directory first (stopping
 * the running server's as an "orphan") and only then find the HTTP port taken. Port 0 (any free port)
 * always passes. The port is released at once; a process that takes it in between still fails at
 * listen, as before.
 */
export async function assertPortFree(port: number, host: string, variable: string): Promise<void> {
  if (port === 0) return;
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ port, host, exclusive: true }, resolve);
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new PortInUseError(
        `${variable}=${port}: port ${port} on ${host} is already in use (another AIR server?); stop it or set ${variable}`,
      );
    }
    if (code === 'EACCES')
      throw new PortInUseError(`${variable}=${port}: not allowed to listen on port ${port} on ${host}; choose a port above 1023`);
    throw e;
  } finally {
    await new Promise<void>((resolve) => (probe.listening ? probe.close(() => resolve()) : resolve()));
  }
}
