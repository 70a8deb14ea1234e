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
