import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the operation selects `path` below the field being resolved (`['edges', 'node', 'body']`),
 * through fragments and inline fragments alike. For data that costs to load (a message body) and is
 * loaded only when asked for. `@skip`/`@include` are not evaluated: a conditional selection counts as
 * selected, which loads a little more, never less.
 */
export function selects(info: GraphQLResolveInfo, path: string[]): boolean {
  const within = (set: SelectionSetNode | undefined, rest: string[]): boolean => {
    if (!set) return false;
    const [name, ...deeper] = rest;
    return set.selections.some((selection) => {
      switch (selection.kind) {
        case Kind.FIELD:
          return selection.name.value === name && (deeper.length === 0 || within(selection.selectionSet, deeper));
        case Kind.INLINE_FRAGMENT:
          return within(selection.selectionSet, rest);
        case Kind.FRAGMENT_SPREAD:
          return within(info.fragments[selection.name.value]?.selectionSet, rest);
        default:
          return false;
      }
    });
  };
  return info.fieldNodes.some((node) => within(node.selectionSet, path));
}

/** Whether a connection's `totalCount` is selected: then it is counted in the page's own statement. */
export const selectsTotal = (info: GraphQLResolveInfo) => selects(info, ['totalCount']);

/**
 * The names of the fields selected at `path` below the field being resolved (`['edges', 'node']`; `[]` for
 * the field's own selection), through fragments; aliases count by the field they name.
 */
export function selectedFields(info: GraphQLResolveInfo, path: string[]): Set<string> {
  const names = new Set<string>();
  const collect = (set: SelectionSetNode | undefined, rest: string[]): void => {
    if (!set) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, rest);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) collect(info.fragments[selection.name.value]?.selectionSet, rest);
      else if (selection.kind === Kind.FIELD) {
        if (rest.length === 0) names.add(selection.name.value);
        else if (selection.name.value === rest[0]) collect(selection.selectionSet, rest.slice(1));
      }
    }
  };
  for (const node of info.fieldNodes) collect(node.selectionSet, path);
  return names;
}

/** The fields selected on a connection's nodes (`edges { node { … } }`). */
export const nodeFields = (info: GraphQLResolveInfo) => selectedFields(info, ['edges', 'node']);
