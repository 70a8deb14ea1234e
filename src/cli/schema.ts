/** `npm run schema`: write schema/schema.graphql from the code. */
import fs from 'node:fs/promises';
import { buildBareSchema, printSdl } from '../schema.js';

await fs.mkdir('schema', { recursive: true });
await fs.writeFile('schema/schema.graphql', printSdl(await buildBareSchema()));
console.log('wrote schema/schema.graphql');
