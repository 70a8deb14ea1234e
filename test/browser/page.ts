/// <reference lib="dom" />
/**
 * The page `npm run check:browser` opens in Chromium, from an origin other than the API's: it lists
 * investigations and shows one live, with the Apollo set-up of docs/clients.md and no cache code.
 * Bundled by esbuild at run time (live-page.check.ts).
 */
import possibleTypes from '../../schema/possible-types.json' with { type: 'json' };
import { createAirApolloClient } from '../clients/apollo.setup.js';
import { InvestigationDetailDocument, InvestigationListDocument, InvestigationLiveDocument } from '../generated/client/graphql.js';

const params = new URLSearchParams(location.search);
const id = params.get('id') ?? '';
const { client } = createAirApolloClient({ url: params.get('api') ?? '', token: params.get('token') ?? '', possibleTypes });

const list = document.querySelector('#list')!;
const state = document.querySelector('#state')!;
const events = document.querySelector('#events')!;
const errors = document.querySelector('#errors')!;
const fail = (e: unknown) => errors.append(`${e instanceof Error ? e.message : String(e)}\n`);

client.watchQuery({ query: InvestigationListDocument, variables: { first: 20 } }).subscribe({
  next: ({ data, dataState }) => {
    if (dataState !== 'complete') return;
    list.replaceChildren(
      ...data.investigations.edges.map(({ node }) => {
        const item = document.createElement('li');
        item.dataset.id = node.id;
        item.textContent = `${node.title}: ${node.state}`;
        return item;
      }),
    );
  },
  error: fail,
});

client.watchQuery({ query: InvestigationDetailDocument, variables: { id } }).subscribe({
  next: ({ data, dataState }) => {
    if (dataState !== 'complete') return;
    state.textContent = data.investigation.state;
    state.setAttribute('data-seen', `${state.getAttribute('data-seen') ?? ''} ${data.investigation.state}`.trim());
  },
  error: fail,
});

client.subscribe({ query: InvestigationLiveDocument, variables: { id } }).subscribe({
  next: ({ data }) => {
    if (data) events.textContent = String(Number(events.textContent) + 1);
  },
  error: fail,
});
