import type { RequestEventRow } from '../../db/rows.ts';
import { intakeChannels, type IntakeChannel } from './requests.ts';

/** How a request the DPO recorded reached the organisation, read from its `received` event. */
export interface RecordedIntake {
  channel: IntakeChannel;
  /** The calendar date it was received (the deadline runs from it). */
  receivedOn: string;
  /** The DPO's address (`dpo:<email>` in the event's actor). */
  recordedBy: string;
  /** When the DPO recorded it. */
  recordedAt: number;
}

/** The intake of a request received by post, phone or email; undefined for one submitted online. */
export function recordedIntakeOf(events: readonly Pick<RequestEventRow, 'kind' | 'actor' | 'detail' | 'occurredAt'>[]): RecordedIntake | undefined {
  const received = events.find((event) => event.kind === 'received');
  if (!received?.detail || !received.actor.startsWith('dpo:')) return undefined;
  const detail = JSON.parse(received.detail) as { channel?: string; receivedOn?: string };
  const channel = intakeChannels.find((candidate) => candidate === detail.channel);
  if (!channel || !detail.receivedOn) return undefined;
  return { channel, receivedOn: detail.receivedOn, recordedBy: received.actor.slice('dpo:'.length), recordedAt: received.occurredAt };
}
