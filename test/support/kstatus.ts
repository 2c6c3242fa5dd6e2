import { spawn } from 'node:child_process';
import { kstatusBin } from './paths.ts';

export interface KstatusResult {
  /** InProgress, Current, Failed, Terminating, NotFound or Unknown. */
  status: string;
  message: string;
}

/** kstatus's verdict on an object (as `kubectl get -o json` prints it): what Flux and cli-utils readers see. */
export function kstatus(object: unknown): Promise<KstatusResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(kstatusBin(), [], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as KstatusResult);
      else reject(new Error(`kstatus exited with ${code}: ${stderr}`));
    });
    child.stdin.end(JSON.stringify(object));
  });
}
