// A hashing thread of the crypt pool: one request at a time, answered with its id.
import { constants, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { cryptSha512 } from './crypt.ts';

// Below the event loop's priority (on Linux the nice value is per thread, and 0 is the calling one): with as
// many hashing threads as cores, requests that need no hash still get a core at once.
try {
  setPriority(0, constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // Where threads cannot lower their own priority, they hash at the same one.
}

export interface CryptRequest {
  id: number;
  password: string;
}
export type CryptReply = { id: number; value: string } | { id: number; error: string };

parentPort?.on('message', ({ id, password }: CryptRequest) => {
  let reply: CryptReply;
  try {
    reply = { id, value: cryptSha512(password) };
  } catch (error) {
    reply = { id, error: (error as Error).message };
  }
  parentPort?.postMessage(reply);
});
