import type { RequestRow } from '../../../db/rows.ts';
import { formatCalendarDate, formatMoment, type Translate } from '../i18n.ts';
import type { Locale } from '../locale.ts';
import { renderMarkdown } from '../markdown.ts';
import { complaintAuthorities } from '../supervisory-authorities.ts';
import { escapeHtml } from '../marketing-email.ts';
import type { Organisation } from '../organisation.ts';
import type { PolicyText } from '../policy.ts';
import type { System } from '../systems/register.ts';
import type { SubjectExportV2 } from './subject-export-v2.ts';
import { portalTables, systemTables, type PackageTable } from './tables.ts';

/** The sections of the privacy notice that carry what Art. 15(1) GDPR says the person must be told, in this order. */
export const article15Sections = ['purposes', 'data', 'recipients', 'transfers', 'retention', 'rights', 'complaints'] as const;

export interface PackageDocumentInput {
  data: SubjectExportV2;
  request: Pick<RequestRow, 'reference' | 'type' | 'receivedAt' | 'dueOn'>;
  /** The answer the DPO gave with the completion. */
  message: string;
  completedAt: number;
  locale: Locale;
  t: Translate;
  organisation: Organisation;
  /** The privacy notice in force at completion, in the request's language. */
  notice: PolicyText;
  /** Relative links of the notice (`/pl/consent`) are made absolute with it, so they work from a file. */
  portalOrigin: string;
  /** The register: the name, categories and source of a system whose owner answered with files only. */
  systems?: readonly System[];
}

export const documentStyle = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; line-height: 1.5; color: #1a1a1a; background: #fff; }
body { max-width: 62rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.75rem; margin: 0 0 .5rem; } h2 { font-size: 1.35rem; margin-top: 2.5rem; border-bottom: 2px solid #2d4a7a; }
h3 { font-size: 1.1rem; margin-top: 1.75rem; } a { color: #1d4ed8; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; } dt { font-weight: 600; } dd { margin: 0; }
.table { overflow-x: auto; margin: .75rem 0 1.25rem; }
.table:focus { outline: 3px solid #1d4ed8; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: start; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #9ca3af; padding: .35rem .5rem; text-align: start; vertical-align: top; overflow-wrap: break-word; hyphens: auto; }
th { background: #e8edf5; } .empty { color: #4b5563; } .note { color: #374151; }
.answer { white-space: pre-wrap; border-inline-start: 4px solid #2d4a7a; padding-inline-start: .75rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  /* Paper does not scroll: a wide table's cells break anywhere rather than run off the page. */
  td { overflow-wrap: anywhere; }
  .table { overflow: visible; }
  tr, dl, .authority { break-inside: avoid; }
  thead { display: table-header-group; }
  h2, h3 { break-after: avoid; }
  a[href^="http"]:not(.bare)::after, a[href^="mailto:"]:not(.bare)::after { content: " (" attr(href) ")"; font-size: .9em; overflow-wrap: anywhere; }
}`;

const e = escapeHtml;

function renderTable(table: PackageTable, t: Translate, id: string): string {
  if (!table.rows.length) return `<h3 id="${id}">${e(table.label)}</h3><p class="empty">${e(t('package.portal.none'))}</p>`;
  const head = (table.headings ?? table.columns).map((heading) => `<th scope="col">${e(heading)}</th>`).join('');
  const body = table.rows
    .map((row) => `<tr>${row.map((cell) => (cell === null ? `<td class="empty">—</td>` : `<td>${e(cell)}</td>`)).join('')}</tr>`)
    .join('\n');
  const rows = t('package.rows', { count: table.rows.length });
  return `<div class="table" role="region" aria-labelledby="${id}" tabindex="0"><table><caption id="${id}">${e(table.label)} <span class="note">(${e(rows)})</span></caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function definitions(pairs: [string, string][]): string {
  return `<dl>${pairs.map(([term, value]) => `<dt>${e(term)}</dt><dd>${value}</dd>`).join('')}</dl>`;
}

const link = (href: string, text = href) => `<a href="${e(href)}">${e(text)}</a>`;

/**
 * Marks the links whose text is their address already (`https://www.dpa.gr`, `dpo@…` for `mailto:dpo@…`), the
 * document's own and the notice's, so that print does not write the address a second time after them.
 */
function markBareLinks(html: string): string {
  return html.replace(/<a href="(mailto:|tel:)?([^"]*)">([^<]*)<\/a>/g, (whole, scheme: string | undefined, address: string, text: string) =>
    text === address ? `<a class="bare" href="${scheme ?? ''}${address}">${text}</a>` : whole,
  );
}

/** The notice's Markdown as HTML, its site-relative links made absolute and its headings moved below the document's h2. */
function noticeHtml(markdown: string, origin: string): string {
  return renderMarkdown(markdown)
    .replace(/href="\/(?!\/)/g, `href="${e(origin)}/`)
    .replace(/<(\/?)h([2-5])/g, (_match, slash: string, level: string) => `<${slash}h${Math.min(Number(level) + 2, 6)}`);
}

function authorities(input: PackageDocumentInput): string {
  const { organisation, t, locale } = input;
  return complaintAuthorities(organisation, locale)
    .map(({ role, authority }) =>
      [
        `<div class="authority"><h3>${e(t(`package.authority.${role}`))}: ${e(authority.name)} (${e(authority.abbreviation)})</h3>`,
        definitions([
          [t('package.authority.address'), e(authority.address)],
          [t('package.authority.phone'), link(`tel:${authority.phone.replace(/\s/g, '')}`, authority.phone)],
          ...(authority.email ? ([[t('package.authority.email'), link(`mailto:${authority.email}`, authority.email)]] as [string, string][]) : []),
          [t('package.authority.website'), link(authority.website)],
        ]),
        '</div>',
      ].join(''),
    )
    .join('\n');
}

function systemsPart(input: PackageDocumentInput): string {
  const { data, t, locale } = input;
  const tables = systemTables(data, locale);
  const sections = data.systems.map((section, index) => {
    const facts = definitions([
      [t('package.systems.categories'), e(section.categories.map((category) => category[locale]).join(', '))],
      [t('package.systems.source'), e(section.source?.[locale] ?? t('package.systems.fromYou'))],
      [t('package.systems.collectedAt'), e(formatMoment(Date.parse(section.collectedAt), locale))],
    ]);
    const own = tables.filter((table) => table.owner === section.system);
    return `<section aria-labelledby="system-${index}"><h3 id="system-${index}">${e(section.name[locale])}</h3>${facts}${own
      .map((table, tableIndex) => renderTable(table, t, `system-${index}-${tableIndex}`))
      .join('\n')}</section>`;
  });
  // A system whose owner sent files and no table: its section names the files (in files/ of the zip).
  const withFilesOnly = [...new Set(data.files.flatMap((file) => (file.system ? [file.system] : [])))].filter(
    (id) => !data.systems.some((section) => section.system === id),
  );
  const fileSections = withFilesOnly.map((id, index) => {
    const system = input.systems?.find((candidate) => candidate.id === id);
    const files = data.files.filter((file) => file.system === id);
    const facts = definitions([
      ...(system ? ([[t('package.systems.categories'), e(system.categories.map((category) => category[locale]).join(', '))]] as [string, string][]) : []),
      [t('package.systems.source'), e(system?.source?.[locale] ?? t('package.systems.fromYou'))],
      [t('package.files.heading'), files.map((file) => link(file.path, file.name)).join(', ')],
    ]);
    const sectionId = `system-files-${index}`;
    return `<section aria-labelledby="${sectionId}"><h3 id="${sectionId}">${e(system?.name[locale] ?? id)}</h3>${facts}</section>`;
  });
  const nothing = data.systemsWithoutData.length
    ? `<h3>${e(t('package.systems.withoutData'))}</h3><ul>${data.systemsWithoutData
        .map((entry) => `<li>${e(entry.name[locale])}: ${e(t(`package.systems.${entry.reason === 'not-applicable' ? 'notApplicable' : 'holdsNothing'}`))}</li>`)
        .join('')}</ul>`
    : '';
  const none = data.systems.length || fileSections.length ? '' : `<p class="empty">${e(t('package.systems.none'))}</p>`;
  return `<section aria-labelledby="systems"><h2 id="systems">${e(t('package.systems.heading'))}</h2>${none}${[...sections, ...fileSections].join('\n')}${nothing}</section>`;
}

function filesPart(input: PackageDocumentInput): string {
  const { data, t, locale } = input;
  if (!data.files.length) return '';
  const size = new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 1 });
  const items = data.files.map((file) => `<li>${link(file.path, file.name)} (${e(file.mediaType)}, ${e(size.format(file.size / 1024))})</li>`);
  return `<section aria-labelledby="files"><h2 id="files">${e(t('package.files.heading'))}</h2><p>${e(t('package.files.intro'))}</p><ul>${items.join('')}</ul></section>`;
}

function informationPart(input: PackageDocumentInput): string {
  const { notice, t, locale, data } = input;
  const sections = article15Sections
    .map((key) => notice.sections.find((section) => section.key === key))
    .filter((section) => section !== undefined)
    .map(
      (section) =>
        `<section aria-labelledby="notice-${section.key}"><h3 id="notice-${section.key}">${e(section.heading)}</h3>${noticeHtml(section.markdown, input.portalOrigin)}</section>`,
    );
  const sources = data.systems.map((section) => `<li>${e(section.name[locale])}: ${e(section.source?.[locale] ?? t('package.systems.fromYou'))}</li>`);
  const intro = t('package.information.intro', { title: notice.title, version: notice.version, date: formatCalendarDate(notice.effective, locale) });
  return [
    `<section aria-labelledby="information"><h2 id="information">${e(t('package.information.heading'))}</h2><p>${e(intro)}</p>`,
    sections.join('\n'),
    `<section aria-labelledby="source"><h3 id="source">${e(t('package.information.source'))}</h3><ul>`,
    `<li>${e(t('package.information.portalSource'))}</li>${sources.join('')}</ul></section>`,
    `<section aria-labelledby="authority"><h3 id="authority">${e(t('package.authority.heading'))}</h3>${authorities(input)}</section></section>`,
  ].join('\n');
}

/**
 * The readable document of a package: one complete HTML page in the request's language, with inline styles only (no
 * script, no external resource), that shows the same data as data.json as tables and the information Art. 15(1) GDPR
 * requires, taken from the privacy notice in force. Every value is escaped; only the notice's own Markdown is HTML.
 */
export function renderPackageDocument(input: PackageDocumentInput): string {
  const { t, locale, organisation, request, data } = input;
  const title = t('package.title', { reference: request.reference });
  const controller = definitions([
    [
      t('package.controller.controller'),
      `${e(organisation.legalName)}, ${e(data.controller.address)}, ${link(`mailto:${organisation.privacyEmail}`, organisation.privacyEmail)}`,
    ],
    [
      t('package.controller.dpo'),
      `${e(organisation.dpo.name)}, ${link(`mailto:${organisation.dpo.email}`, organisation.dpo.email)}, ${e(organisation.dpo.phone)}`,
    ],
  ]);
  const facts = definitions([
    [t('package.request.reference'), e(request.reference)],
    [t('package.request.type'), e(t(`requests.types.${request.type}.name`))],
    [t('package.request.received'), e(formatMoment(request.receivedAt, locale))],
    [t('package.request.completed'), e(formatMoment(input.completedAt, locale))],
  ]);
  const portal = portalTables(data, t, (iso) => formatMoment(Date.parse(iso), locale))
    .map((table, index) => renderTable(table, t, `portal-${index}`))
    .join('\n');
  const body = [
    `<h1>${e(title)}</h1><p>${e(t('package.intro', { controller: organisation.legalName }))}</p>`,
    `<section aria-labelledby="controller"><h2 id="controller">${e(t('package.controller.heading'))}</h2>${controller}</section>`,
    `<section aria-labelledby="request"><h2 id="request">${e(t('package.request.heading'))}</h2>${facts}<h3>${e(t('package.request.answer'))}</h3><p class="answer">${e(input.message)}</p></section>`,
    `<section aria-labelledby="portal"><h2 id="portal">${e(t('package.portal.heading'))}</h2>${portal}</section>`,
    systemsPart(input),
    filesPart(input),
    informationPart(input),
    `<footer><p class="note">${e(t('package.generated', { date: formatMoment(input.completedAt, locale) }))}</p></footer>`,
  ].join('\n');
  return [
    '<!doctype html>',
    `<html lang="${e(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${e(title)}</title><style>${documentStyle}</style></head><body><main>`,
    markBareLinks(body),
    '</main></body></html>',
    '',
  ].join('\n');
}
