import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { cacheExchange, type PossibleTypesConfig } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { createClient } from 'graphql-ws';

export interface AirUrqlOptions {
  /** http(s)://host:4000/graphql; subscriptions go to the same URL over ws(s). */
  url: string;
  token: string;
  /** The contents of schema/possible-types.json. */
  possibleTypes: PossibleTypesConfig;
  /** A WebSocket implementation where there is no global one (Node before 22: the `ws` package). */
  webSocketImpl?: unknown;
}

/** urql 6 with graphcache (normalised) for AIR: queries over HTTP (GET when short), subscriptions over graphql-ws. */
export function createAirUrqlClient({ url, token, possibleTypes, webSocketImpl }: AirUrqlOptions) {
  const ws = createClient({ url: url.replace(/^http/, 'ws'), connectionParams: { authorization: `Bearer ${token}` }, webSocketImpl });
  const client = new Client({
    url,
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
    exchanges: [
      cacheExchange({
        possibleTypes,
        // Objects without an id are embedded in their parent, not normalised.
        keys: {
          PageInfo: () => null,
          InvestigationConnection: () => null,
          InvestigationEdge: () => null,
          LogStepConnection: () => null,
          InvestigationTimings: () => null,
          PhaseTiming: () => null,
        },
        resolvers: { Query: { investigations: relayPagination(), pendingActions: relayPagination(), alerts: relayPagination() } },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe({ ...request, query: request.query ?? '' }, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  /** Sign-out: close the socket (urql's client holds nothing else open). */
  const dispose = () => ws.dispose();
  return { client, dispose };
}
