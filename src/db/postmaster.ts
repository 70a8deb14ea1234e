/**
 * The embedded PostgreSQL's own process, found and stopped from its data directory's `postmaster.pid`.
 * When the Node process is killed (SIGKILL, an OOM kill), the PostgreSQL it started is re-parented to
 * init and keeps the data directory and the port, so the next start failed until someone killed it by
 * hand (issue 12, item 3). Start now recognises its own orphan and stops it first.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a process with this pid exists (EPERM: it exists, and belongs to another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process: /proc where there is one (Linux), `ps` elsewhere (macOS). */
async function commandLine(pid: number): Promise<string[] | undefined> {
  const proc = `/proc/${pid}/cmdline`;
  if (existsSync('/proc/self/cmdline')) {
    const raw = await fs.readFile(proc, 'utf8').catch(() => undefined);
    return raw?.split('\0').filter(Boolean);
  }
  const { stdout } = await promisify(execFile)('ps', ['-o', 'command=', '-p', String(pid)]).catch(() => ({ stdout: '' }));
  return stdout.trim() ? stdout.trim().split(/\s+/) : undefined;
}

/** Whether `pid` is a PostgreSQL server (`postgres -D <dataDir> …`) of exactly this data directory. */
export async function isPostgresOf(pid: number, dataDir: string): Promise<boolean> {
  const argv = await commandLine(pid);
  if (!argv?.length || !/^(postgres|postmaster)$/.test(path.basename(argv[0]!))) return false;
  const d = argv.indexOf('-D');
  return d >= 0 && argv[d + 1] !== undefined && path.resolve(argv[d + 1]!) === path.resolve(dataDir);
}

/** The pid `postmaster.pid` names, or undefined when there is no such file (a clean stop removes it). */
export async function recordedPostmaster(dataDir: string): Promise<number | undefined> {
  const text = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The port `postmaster.pid` records (its fourth line), or undefined. */
export async function recordedPort(dataDir: string): Promise<number | undefined> {
  const text = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const port = Number(text?.split('\n')[3]);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/**
 * Stop a PostgreSQL server and wait for it to exit: fast shutdown (SIGINT: sessions are ended, work in
 * flight rolled back, a clean checkpoint written), then immediate shutdown (SIGQUIT: recovery runs at the
 * next start) if it has not exited after `fastMs`. Resolves true once the process is gone.
 */
export async function stopPostmaster(pid: number, { fastMs = 20_000, immediateMs = 10_000 } = {}): Promise<boolean> {
  for (const [signal, waitMs] of [
    ['SIGINT', fastMs],
    ['SIGQUIT', immediateMs],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return !isAlive(pid);
    }
    for (const deadline = Date.now() + waitMs; Date.now() < deadline; await sleep(50)) {
      if (!isAlive(pid)) return true;
    }
  }
  return !isAlive(pid);
}

export type OrphanOutcome =
  | { kind: 'none' }
  /** The recorded pid is gone or is not a PostgreSQL of this directory: PostgreSQL overwrites the file itself. */
  | { kind: 'stale'; pid: number }
  | { kind: 'stopped'; pid: number; ms: number };

/**
 * Stop the PostgreSQL a previous, killed process of ours left running on `dataDir`. Only a live process
 * that *is* `postgres -D <dataDir>` is signalled: a pid reused by anything else is left alone.
 */
export async function stopOrphanedPostmaster(dataDir: string): Promise<OrphanOutcome> {
  const pid = await recordedPostmaster(dataDir);
  if (pid === undefined) return { kind: 'none' };
  if (pid === process.pid || !isAlive(pid) || !(await isPostgresOf(pid, dataDir))) {
    // A pid reused by another process would make PostgreSQL refuse to start ("lock file already
    // exists"): the file is ours and stale, so it goes. A dead pid PostgreSQL handles by itself.
    if (pid !== process.pid && isAlive(pid)) await fs.rm(path.join(dataDir, 'postmaster.pid'), { force: true });
    return { kind: 'stale', pid };
  }
  const started = Date.now();
  if (!(await stopPostmaster(pid))) {
    throw new Error(`the PostgreSQL left running on ${dataDir} (pid ${pid}) did not stop; stop it and start again`);
  }
  return { kind: 'stopped', pid, ms: Date.now() - started };
}
