import { asc, inArray } from 'drizzle-orm';
import type { PortalDatabase } from '../../db/connection.ts';
import { marketingEvents } from '../../db/schema.ts';
import { describeRecord } from './consent-receipt.ts';
import { consentHistory } from './consent.repo.ts';
import { subscriptionStatus } from './marketing.ts';
import { describeController, type Organisation } from './organisation.ts';
import { requesterVisibleEvents, type RequestEventKind } from './request-workflow.ts';
import { eventsOf, type RequestEventRow, type RequestRow } from './requests.repo.ts';
import { findSubject } from './subject.repo.ts';

/** The versions of the published JSON Schemas (public/schemas/*.json); bump with any incompatible change. */
export const requestSchemaVersion = 1;
export const subjectExportSchemaVersion = 1;

const iso = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toISOString());

/**
 * Who sees the export: the DPO gets every audit event with who did it; the requester gets the events that concern
 * them, with the DPO named by role only.
 */
export type Audience = 'dpo' | 'requester';

function describeEvent(event: RequestEventRow, audience: Audience) {
  return {
    at: iso(event.occurredAt),
    kind: event.kind,
    actor: audience === 'dpo' || !event.actor.startsWith('dpo:') ? event.actor : 'dpo',
    detail: event.detail ? (JSON.parse(event.detail) as Record<string, unknown>) : null,
  };
}

/** One request as JSON (schema `request.v1.json`), with its timeline. */
export function describeRequest(request: RequestRow, events: readonly RequestEventRow[], audience: Audience) {
  return {
    reference: request.reference,
    type: request.type,
    status: request.status,
    locale: request.locale,
    requester: {
      name: request.name,
      email: request.email,
      customerReference: request.customerReference,
      consentId: request.consentId,
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
    extension: request.extensionDays === null ? null : { days: request.extensionDays, reason: request.extensionReason ?? '' },
    verifiedAt: iso(request.verifiedAt),
    closedAt: iso(request.closedAt),
    outcome: request.outcome,
    events: events
      .filter((event) => audience === 'dpo' || requesterVisibleEvents.has(event.kind as RequestEventKind))
      .map((event) => describeEvent(event, audience)),
  };
}

/** A single request as a JSON document with its schema named. */
export function requestDocument(db: PortalDatabase, request: RequestRow, audience: Audience, portalOrigin: string) {
  return {
    $schema: `${portalOrigin}/schemas/request.v${requestSchemaVersion}.json`,
    schemaVersion: requestSchemaVersion,
    ...describeRequest(request, eventsOf(db, request.id), audience),
  };
}

export interface SubjectExportInput {
  email: string;
  /** Consent ids the subject named (their request's, their cookie's); ids found on their requests are added. */
  consentIds: readonly string[];
  organisation: Organisation;
  portalOrigin: string;
  now: number;
}

/**
 * Everything the portal holds about a person (schema `subject-export.v1.json`): their requests, the cookie-consent
 * records of their consent ids, and their marketing consents with every event and the wording they saw.
 */
export function buildSubjectExport(db: PortalDatabase, input: SubjectExportInput) {
  const { requests: requestRows, subscriptions, consentIds } = findSubject(db, input.email, input.consentIds);
  const events = subscriptions.length
    ? db.select().from(marketingEvents).where(inArray(marketingEvents.subscriptionId, subscriptions.map((row) => row.id))).orderBy(asc(marketingEvents.id)).all()
    : [];
  return {
    $schema: `${input.portalOrigin}/schemas/subject-export.v${subjectExportSchemaVersion}.json`,
    schemaVersion: subjectExportSchemaVersion,
    generatedAt: iso(input.now),
    controller: describeController(input.organisation),
    subject: { email: input.email, consentIds },
    requests: requestRows.map((row) => describeRequest(row, eventsOf(db, row.id), 'requester')),
    consentRecords: consentIds.flatMap((consentId) => consentHistory(db, consentId).map((record) => ({ consentId, ...describeRecord(record) }))),
    marketing: subscriptions.map((subscription) => {
      const own = events.filter((event) => event.subscriptionId === subscription.id);
      return {
        channel: subscription.channel,
        address: subscription.address,
        locale: subscription.locale,
        consentId: subscription.consentId,
        createdAt: iso(subscription.createdAt),
        status: subscriptionStatus(own),
        events: own.map((event) => ({ event: event.event, at: iso(event.occurredAt), via: event.via, policyVersion: event.policyVersion, wording: event.wording })),
      };
    }),
  };
}

export type SubjectExport = ReturnType<typeof buildSubjectExport>;
