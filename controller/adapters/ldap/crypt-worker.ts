// A hashing thread of the crypt pool: one request at a time, answered with its id.
import { parentPort } from 'node:worker_threads';
import { cryptSha512 } from './crypt.ts';

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
