import { DetectionVerdict } from '../../domain/telemetry.js';
import type { StepBasics, StepDefinition, StepOutcome } from '../playbook.types.js';
import type { PlaybookPorts } from '../ports.js';
import type { StepFindings, StepKey } from './findings.js';

/*
 * What every step of the email and user-compromise playbooks shares: its typed context, the way it
 * is declared, and the few rules more than one step applies.
 */

/** A step's context: the ports, and earlier findings typed by the key that wrote them. */
export type StepCtx = Omit<StepBasics, 'results'> &
  PlaybookPorts & {
    /** Findings of a completed (or skipped) step this one depends on. */
    results<K extends StepKey>(stepKey: K): StepFindings[K];
  };

/** A step whose findings are those of its key. */
export interface Step<K extends StepKey> extends Omit<StepDefinition<PlaybookPorts>, 'key' | 'run'> {
  key: K;
  run(ctx: StepCtx): Promise<StepOutcome<StepFindings[K]>>;
}

/**
 * A step as the engine runs it. The engine hands back, by key, the JSON a step wrote; StepFindings says
 * what that JSON is, and `Step<K>` makes the writing step produce exactly it — so this is the one
 * place where the engine's untyped `results` becomes the typed one.
 */
export function defineStep<K extends StepKey>(step: Step<K>): StepDefinition<PlaybookPorts> & { key: K } {
  return { ...step, run: (ctx) => step.run(ctx as unknown as StepCtx) };
}

/** Mail-filter verdicts that count as a detection. */
export const MALICIOUS_DETECTIONS = new Set<string>([DetectionVerdict.PHISH, DetectionVerdict.MALWARE]);

/** How far back a user is checked when no click opens the window: a manual or user-compromise investigation. */
export const LOOKBACK_MS = 30 * 24 * 3600_000;
