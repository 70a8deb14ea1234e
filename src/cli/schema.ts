/** `npm run schema`: write schema/schema.graphql and schema/possible-types.json from the code. */
import fs from 'node:fs/promises';
import { buildBareSchema, printPossibleTypes, printSdl } from '../schema.js';

const schema = await buildBareSchema();
await fs.mkdir('schema', { recursive: true });
await fs.writeFile('schema/schema.graphql', printSdl(schema));
await fs.writeFile('schema/possible-types.json', printPossibleTypes(schema));
console.log('wrote schema/schema.graphql and schema/possible-types.json');
