import { createRequire } from 'node:module';
import util from 'node:util';

/*
 * graphql-shield 7.6.5 is the latest release and the project is no longer released. Its ESM build
 * imports `isUndefined` from 'util', which Node 23 removed, so `import 'graphql-shield'` fails to
 * link on Node 24 (maticzav/graphql-shield#1561; the fix, #1552, was merged but never published).
 * Its CommonJS build looks the function up at call time: load that one, and give `util` back the
 * one-line predicate it expects. graphql 16 has no "exports" map, so ESM and CJS share one graphql.
 */
const legacyUtil = util as unknown as { isUndefined?: (value: unknown) => boolean };
legacyUtil.isUndefined ??= (value) => value === undefined;

const require = createRequire(import.meta.url);
const shieldModule = require('graphql-shield') as typeof import('graphql-shield');
export const { shield, rule, and, or, not, allow, deny } = shieldModule;

/**
 * applyMiddleware (and `middleware`, its generator constructor) from the same CommonJS graphql-middleware that shield uses: the ESM build is a
 * second copy whose `instanceof MiddlewareGenerator` does not recognise shield's middleware.
 */
export const { applyMiddleware, middleware } = require('graphql-middleware') as typeof import('graphql-middleware');
