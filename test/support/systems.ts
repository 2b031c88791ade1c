// Task contexts for the connectors' tests: a request and a task row as the runner hands them over.
import type { RequestRow, RequestTaskRow } from '../../db/rows.ts';
import type { Identifiers, System } from '../../src/lib/systems/register.ts';
import type { TaskAction, TaskContext } from '../../src/lib/systems/tasks.ts';

export function taskContext(system: System, action: TaskAction, identifiers: Partial<Identifiers>, requestType: RequestRow['type'] = 'access'): TaskContext {
  const now = Date.UTC(2026, 11, 4, 10, 0, 0);
  const request = { id: 1, reference: 'R-2026-0001', type: requestType, locale: 'nl', dueOn: '2027-01-03', email: 'x@example.org' } as RequestRow;
  const task = {
    id: 7,
    requestId: 1,
    system: system.id,
    action,
    channel: system.kind,
    status: 'running',
    dueOn: '2026-12-27',
    attempts: 1,
  } as RequestTaskRow;
  return {
    task,
    request,
    system,
    recipient: undefined,
    identifiers: { email: null, phone: null, customerReference: null, ...identifiers },
    now,
    portalOrigin: 'http://localhost:4321',
  };
}
