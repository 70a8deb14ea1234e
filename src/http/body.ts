import type { IncomingMessage } from 'node:http';
import { badInput } from '../errors.js';

/** The whole request body as text, refused with BAD_USER_INPUT past `limit` bytes, declared or sent. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () => badInput(`request body is larger than ${limit} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
