import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, type PossibleTypesMap } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { relayStylePagination } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';

export interface AirApolloOptions {
  /** http(s)://host:4000/graphql; subscriptions go to the same URL over ws(s). */
  url: string;
  token: string;
  /** The contents of schema/possible-types.json (import it, or fetch it with the schema). */
  possibleTypes: PossibleTypesMap;
  /** A WebSocket implementation where there is no global one (Node before 22: the `ws` package). */
  webSocketImpl?: unknown;
}

/** Apollo Client 4 for AIR: queries and mutations over HTTP, subscriptions over graphql-ws. */
export function createAirApolloClient({ url, token, possibleTypes, webSocketImpl }: AirApolloOptions) {
  const http = new HttpLink({ uri: url, headers: { authorization: `Bearer ${token}` } });
  const socket = createClient({ url: url.replace(/^http/, 'ws'), connectionParams: { authorization: `Bearer ${token}` }, webSocketImpl });
  const ws = new GraphQLWsLink(socket);
  const link = ApolloLink.split(({ operationType }) => operationType === 'subscription', ws, http);
  const cache = new InMemoryCache({
    // Without it Apollo cannot match `... on LiveEvent` and drops cursor, at and investigationId.
    possibleTypes,
    typePolicies: {
      // Relay connections: fetchMore({ variables: { after } }) appends the next page to the cached list.
      Query: {
        fields: {
          investigations: relayStylePagination(['filter']),
          alerts: relayStylePagination(['filter']),
          pendingActions: relayStylePagination(['filter']),
        },
      },
      Investigation: {
        fields: {
          alerts: relayStylePagination(),
          entities: relayStylePagination(['kinds', 'verdicts']),
          users: relayStylePagination(),
          machines: relayStylePagination(),
          emailClusters: relayStylePagination(),
          actions: relayStylePagination(['statuses']),
        },
      },
    },
  });
  const client = new ApolloClient({ link, cache });
  /** Sign-out: stop the client and close its socket. */
  const dispose = async () => {
    client.stop();
    await socket.dispose();
  };
  return { client, dispose };
}
