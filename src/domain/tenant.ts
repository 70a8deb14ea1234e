/** The seed's rollout phases: phase 1 every action waits for approval; phase 2 some or all run on their own. */
export enum AutomationLevel {
  /** Phase 1: every recommended action waits for an admin's approval. */
  APPROVAL_REQUIRED = 'APPROVAL_REQUIRED',
  /** Phase 2: the action types in `automatedActionTypes` run without interaction. */
  SELECTED_ACTIONS = 'SELECTED_ACTIONS',
  /** Phase 2: every recommended action runs without interaction. */
  FULL = 'FULL',
}
