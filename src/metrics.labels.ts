/**
 * Label values for the Prometheus metrics, kept to bounded sets. Every distinct label value is a time
 * series the server holds in memory for its lifetime and Prometheus stores for its retention, so a
 * value a client chooses (a path, an operation name) never becomes a label as it arrived.
 */

/** The label of every path no route serves (scanners, typos): one series for all of them. */
export const OTHER_ROUTE = 'other';

const EXPORT_ROUTES: [RegExp, string][] = [
  [/^\/export\/investigations\.csv$/, '/export/investigations.csv'],
  [/^\/export\/investigations\/[^/]+\/log\.csv$/, '/export/investigations/:id/log.csv'],
  [/^\/export\/investigations\/[^/]+\/actions\.csv$/, '/export/investigations/:id/actions.csv'],
];

/**
 * The route a path is served by, as a label: a fixed path as it is, an export with its id replaced
 * by `:id`, anything else `other`.
 */
export function routeLabel(pathname: string, fixedRoutes: ReadonlySet<string>): string {
  if (fixedRoutes.has(pathname)) return pathname;
  for (const [pattern, label] of EXPORT_ROUTES) if (pattern.test(pathname)) return label;
  return OTHER_ROUTE;
}

/** Statuses as labels: the code, or `aborted` when the client left before the response head went out. */
export const statusLabel = (status: number | undefined) => (status === undefined ? 'aborted' : String(status));

/** The label of operations past the cap (parenthesised: no GraphQL name can be it). */
export const OTHER_OPERATION = '(other)';
/** The label of an operation without a name. */
export const ANONYMOUS_OPERATION = '(anonymous)';
/** GraphQL names are `[_A-Za-z][_0-9A-Za-z]*`; a longer one than this is kept out of the labels. */
const MAX_NAME_LENGTH = 100;

/**
 * GraphQL operation names as labels, capped: the first `max` distinct names this process sees keep their
 * own series, every later one is counted as `(other)`. A client chooses its operation names, so without a
 * cap any authenticated caller could mint series without bound (one request per name); with it, memory
 * and the scrape stay bounded whatever clients send. First come, first kept: a front end's operations are
 * a fixed set that shows up within minutes of a start, and `(other)` growing says the cap is too low
 * (or someone is spraying names). Only operations that passed validation reach here.
 */
export class OperationNames {
  private readonly kept = new Set<string>();

  /** @param max distinct names kept per process. */
  constructor(readonly max: number) {}

  label(name: string | null | undefined): string {
    if (!name) return ANONYMOUS_OPERATION;
    if (this.kept.has(name)) return name;
    if (name.length > MAX_NAME_LENGTH || this.kept.size >= this.max) return OTHER_OPERATION;
    this.kept.add(name);
    return name;
  }
}
