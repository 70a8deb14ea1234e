import { EntityKind, Phase } from '../../domain/investigation.js';
import { Verdict } from '../../domain/telemetry.js';
import { defineStep } from './step.js';

/** Hunting: devices that hold the malicious attachments (the signal shared with endpoint protection). */
export const devicesStep = defineStep({
  key: 'device_files',
  name: 'Find the attachments on devices',
  description: 'Pass the attachments’ hashes to endpoint protection and find the machines that hold them.',
  phase: Phase.HUNTING,
  dependsOn: ['similar_messages'],
  async run(ctx) {
    const hunt = ctx.results('similar_messages');
    if (!hunt.attachmentHashes?.length) return { skipped: true, findings: {} };
    const found = await ctx.devices.filesSeen(hunt.attachmentHashes);
    const devices = [...new Map(found.map((f) => [f.device.externalId, f])).values()];
    return {
      findings: { machines: devices.map((d) => d.device.name), hashes: hunt.attachmentHashes },
      entities: [
        ...devices.map(({ device }) => ({
          kind: EntityKind.MACHINE,
          value: device.name,
          externalId: device.externalId,
          displayName: device.name,
          verdict: Verdict.MALICIOUS,
          threats: ['Malicious file present'],
          details: {
            user: device.user,
            os: device.os,
            files: found
              .filter((f) => f.device.externalId === device.externalId)
              .map((f) => ({ sha256: f.file.sha256, path: f.file.path })),
          },
        })),
        ...[...new Set(found.map((f) => f.file.sha256))].map((sha) => ({
          kind: EntityKind.FILE,
          value: sha,
          displayName: sha,
          verdict: Verdict.MALICIOUS,
          threats: ['Malware'],
        })),
      ],
      edges: found.map((f) => ({
        from: { kind: EntityKind.FILE, value: f.file.sha256 },
        to: { kind: EntityKind.MACHINE, value: f.device.name },
        relation: 'found on',
      })),
    };
  },
});
