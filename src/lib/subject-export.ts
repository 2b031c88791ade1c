import type { RequestEventRow, RequestRow } from '../../db/rows.ts';
import { asc, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/store.ts';
import { marketingEvents } from '../../db/tables.ts';
import { describeRecord } from './consent-receipt.ts';
import { consentHistory } from './consent.repo.ts';
import { subscriptionStatus } from './marketing.ts';
import { describeController, type Organisation } from './organisation.ts';
import { requestDeadline } from './request-deadline.ts';
import { requesterEventDetail, requesterVisibleEvents, type RequestEventKind } from './request-workflow.ts';
import { eventsOf } from './requests.repo.ts';
import { findSubject } from './subject.repo.ts';

/** The versions of the published JSON Schemas (public/schemas/*.json); bump with any incompatible change. */
export const requestSchemaVersion = 1;
export const subjectExportSchemaVersion = 1;

const iso = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toISOString());

/**
 * Who sees the export: the DPO gets every audit event with who did it and all its detail; the requester gets the
 * events that concern them, with the DPO named by role only and none of the DPO's internal notes.
 */
export type Audience = 'dpo' | 'requester';

function describeEvent(event: RequestEventRow, audience: Audience) {
  const detail = event.detail ? (JSON.parse(event.detail) as Record<string, unknown>) : null;
  return {
    at: iso(event.occurredAt),
    kind: event.kind,
    actor: audience === 'dpo' || !event.actor.startsWith('dpo:') ? event.actor : 'dpo',
    detail: audience === 'dpo' ? detail : requesterEventDetail(event.kind, detail),
  };
}

/** Where and when "late" is judged: the organisation's time zone, and the moment the document is made. */
export interface DeadlineClock {
  timeZone: string;
  now: number;
}

/** One request as JSON (schema `request.v1.json`), with its timeline and whether it is (or was answered) late. */
export function describeRequest(request: RequestRow, events: readonly RequestEventRow[], audience: Audience, clock: DeadlineClock) {
  const deadline = requestDeadline(request, events, clock.timeZone, clock.now);
  const months = deadline.extensionMonths;
  return {
    reference: request.reference,
    type: request.type,
    status: request.status,
    locale: request.locale,
    requester: {
      name: request.name,
      email: request.email,
      customerReference: request.customerReference,
      phone: request.phone,
      consentId: request.consentId,
      consentIdLinkedBy: request.consentIdLinkedBy,
    },
    submitted: {
      details: request.details,
      inaccurateData: request.inaccurateData,
      correctData: request.correctData,
      scope: request.scope,
      grounds: request.grounds,
      format: request.format,
    },
    receivedAt: iso(request.receivedAt),
    dueOn: request.dueOn,
    dueAt: iso(request.dueAt),
    extension:
      request.extensionDays === null ? null : { days: request.extensionDays, ...(months === null ? {} : { months }), reason: request.extensionReason ?? '' },
    late: deadline.late,
    verifiedAt: iso(request.verifiedAt),
    closedAt: iso(request.closedAt),
    outcome: request.outcome,
    events: events
      .filter((event) => audience === 'dpo' || requesterVisibleEvents.has(event.kind as RequestEventKind))
      .map((event) => describeEvent(event, audience)),
  };
}

/** A single request as a JSON document with its schema named. */
export async function requestDocument(db: Executor, request: RequestRow, audience: Audience, portalOrigin: string, clock: DeadlineClock) {
  return {
    $schema: `${portalOrigin}/schemas/request.v${requestSchemaVersion}.json`,
    schemaVersion: requestSchemaVersion,
    ...describeRequest(request, await eventsOf(db, request.id), audience, clock),
  };
}

export interface SubjectExportInput {
  /**
   * The address of the request the export answers: src/lib/subject.repo.ts finds the person from it. Empty for a
   * request recorded from a letter or a call without one: then the person is known to the portal by `request` alone.
   */
  email: string;
  /** The request the export answers (its only request when there is no address to find others by). */
  request?: RequestRow;
  organisation: Organisation;
  portalOrigin: string;
  now: number;
}

/**
 * Everything the portal holds about a person (schema `subject-export.v1.json`): their requests, the cookie-consent
 * records of their proven consent ids, and their marketing consents with every event and the wording they saw. Each
 * item says what links it to the person (`linkedBy`): the address, or a consent id (`subject.consentIdLinks` says
 * how each was proven).
 */
export async function buildSubjectExport(db: Executor, input: SubjectExportInput) {
  const { requests: byAddress, subscriptions, consentIds: links } = await findSubject(db, input.email);
  const byRequest = input.email === '' && input.request !== undefined;
  const requestRows = byRequest && input.request ? [input.request] : byAddress;
  const consentIds = links.map((link) => link.consentId);
  const subscriptionIds = subscriptions.map(({ subscription }) => subscription.id);
  const events = subscriptionIds.length
    ? await db.select().from(marketingEvents).where(inArray(marketingEvents.subscriptionId, subscriptionIds)).orderBy(asc(marketingEvents.id))
    : [];
  const requestEventsOf = new Map<number, Awaited<ReturnType<typeof eventsOf>>>();
  for (const row of requestRows) requestEventsOf.set(row.id, await eventsOf(db, row.id));
  const recordsOf = new Map<string, Awaited<ReturnType<typeof consentHistory>>>();
  for (const consentId of consentIds) recordsOf.set(consentId, await consentHistory(db, consentId));
  return {
    $schema: `${input.portalOrigin}/schemas/subject-export.v${subjectExportSchemaVersion}.json`,
    schemaVersion: subjectExportSchemaVersion,
    generatedAt: iso(input.now),
    controller: describeController(input.organisation),
    subject: {
      email: input.email,
      consentIds,
      consentIdLinks: links.map((link) => ({ consentId: link.consentId, provenBy: link.provenBy, request: link.reference })),
    },
    requests: requestRows.map((row) => ({
      ...describeRequest(row, requestEventsOf.get(row.id) ?? [], 'requester', { timeZone: input.organisation.timeZone, now: input.now }),
      linkedBy: byRequest ? ('request' as const) : ('address' as const),
    })),
    consentRecords: consentIds.flatMap((consentId) =>
      (recordsOf.get(consentId) ?? []).map((record) => ({ consentId, ...describeRecord(record), linkedBy: 'consentId' as const })),
    ),
    marketing: subscriptions.map(({ subscription, linkedBy }) => {
      const own = events.filter((event) => event.subscriptionId === subscription.id);
      return {
        channel: subscription.channel,
        address: subscription.address,
        locale: subscription.locale,
        consentId: subscription.consentId,
        createdAt: iso(subscription.createdAt),
        status: subscriptionStatus(own),
        events: own.map((event) => ({
          event: event.event,
          at: iso(event.occurredAt),
          via: event.via,
          policyVersion: event.policyVersion,
          wording: event.wording,
        })),
        linkedBy,
      };
    }),
  };
}

export type SubjectExport = Awaited<ReturnType<typeof buildSubjectExport>>;
