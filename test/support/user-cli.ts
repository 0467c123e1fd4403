import { spawn, type ChildProcess } from 'node:child_process';
import { builtKilnBin } from './kiln-bin.ts';

export const kilnBin = builtKilnBin();

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the user CLI (`kiln images ...`) as a user would: its own process, only the
 * environment given (no server configuration leaks in from the test's environment).
 */
export function userCli(args: string[], env: Record<string, string>, onSpawn?: (child: ChildProcess) => void): Promise<CliResult> {
  return new Promise((ok, fail) => {
    const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
    const child = spawn(process.execPath, [kilnBin, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', fail);
    child.once('close', (code, signal) => ok({ code, signal, stdout, stderr }));
    onSpawn?.(child);
  });
}
