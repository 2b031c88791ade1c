import type { BannerConfig } from '../lib/banner-config.ts';
import { optionalCategories, revisionPolicyVersion, type Choices, type ConsentCookie } from '../lib/consent-cookie.ts';
import { adoptStyles } from './styles.ts';

export type Choice = 'accept-all' | 'reject-all' | 'custom';

export interface Banner {
  /** Shows the first layer. */
  open(): void;
  /** Shows the floating control that reopens the banner. */
  rest(): void;
}

/** An element with attributes (undefined ones left out) and children; strings become text nodes, never HTML. */
function h(tag: string, attributes: Record<string, string | undefined> = {}, ...children: (Node | string)[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value != null) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

const button = (action: string, label: string) => h('button', { class: 'b', type: 'button', 'data-consent-action': action }, label);

/**
 * The banner in a shadow root at the end of <body>. Both layers are a modal <dialog>: the browser puts it in the top
 * layer above anything the host page stacks, keeps Tab inside it, makes the page behind inert so a screen reader's
 * virtual cursor cannot wander off into content it cannot act on yet, and closes it on Esc. Closing records nothing.
 * `stored` gives the visitor's current cookie; `choose` receives every decision.
 */
export function mountBanner(config: BannerConfig, stored: () => ConsentCookie | undefined, choose: (choice: Choice, choices: Choices) => void): Banner {
  const { strings, policy } = config;
  const host = h('portal-consent', { lang: config.locale });
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root);
  const dialog = h('dialog', { 'aria-labelledby': 't' }) as HTMLDialogElement;
  const reopen = h('button', { class: 'r', type: 'button', 'aria-label': strings.reopen, title: strings.reopen, 'data-consent-open': '', hidden: '' });
  root.append(dialog, reopen);
  document.body.append(host);
  let returnFocus: HTMLElement | undefined;

  const show = (title: string, ...content: Node[]) => {
    dialog.replaceChildren(
      h('button', { class: 'x', type: 'button', 'aria-label': strings.close, 'data-consent-action': 'close' }, '×'),
      h('h2', { id: 't', tabindex: '-1' }, title),
      ...content,
    );
    if (!dialog.open) {
      returnFocus = (root.activeElement ?? document.activeElement) as HTMLElement | undefined;
      reopen.hidden = true;
      dialog.showModal();
    }
    (dialog.children[1] as HTMLElement).focus();
  };

  const firstLayer = () => {
    const previous = stored();
    const from = previous && previous.revision !== config.revision ? revisionPolicyVersion(previous.revision) : 0;
    show(
      strings.title,
      h('p', { id: 'd' }, strings.description),
      ...(from
        ? [
            h(
              'p',
              { class: 'n' },
              `${strings.changed} ${policy.summary}`,
              ...(from < policy.version ? [' ', h('a', { href: policy.diffUrl.replace('{from}', String(from)) }, strings.seeChanges)] : []),
            ),
          ]
        : []),
      h('p', {}, h('a', { href: policy.url }, strings.privacyLink)),
      h('div', { class: 'g' }, button('accept-all', strings.acceptAll), button('reject-all', strings.rejectAll), button('customize', strings.customize)),
    );
    dialog.setAttribute('aria-describedby', 'd');
  };

  const category = (key: string, text: { name: string; description: string }, attributes: Record<string, string | undefined>, ...extra: Node[]) =>
    h(
      'div',
      { class: 'c' },
      h('label', {}, h('input', { type: 'checkbox', role: 'switch', id: key, 'aria-describedby': `${key}-d`, ...attributes }), text.name, ...extra),
      h('p', { id: `${key}-d` }, text.description),
    );

  const preferences = () => {
    const previous = stored();
    const current = previous?.revision === config.revision ? previous.choices : undefined;
    show(
      strings.preferencesTitle,
      category('necessary', strings.categories.necessary, { checked: '', disabled: '' }, h('span', { class: 'm' }, strings.alwaysOn)),
      ...config.categories.map(({ key }) => category(key, strings.categories[key], { checked: current?.[key] ? '' : undefined })),
      h('div', { class: 'g' }, button('save', strings.save)),
    );
    dialog.removeAttribute('aria-describedby');
  };

  const choices = (granted: (key: string) => boolean | undefined) => Object.fromEntries(optionalCategories.map((key) => [key, !!granted(key)])) as Choices;

  root.addEventListener('click', (event) => {
    const target = (event.target as Element).closest('[data-consent-action],[data-consent-open]');
    if (!target) return;
    const action = target.getAttribute('data-consent-action');
    if (action == null) firstLayer();
    else if (action === 'customize') preferences();
    else {
      dialog.close();
      if (action === 'accept-all')
        choose(
          action,
          choices(() => true),
        );
      if (action === 'reject-all')
        choose(
          action,
          choices(() => false),
        );
      if (action === 'save')
        choose(
          'custom',
          choices((key) => (root.getElementById(key) as HTMLInputElement | null)?.checked),
        );
    }
  });
  document.addEventListener('click', (event) => {
    if (!(event.target as Element).closest?.('[data-consent-open]')) return;
    event.preventDefault();
    firstLayer();
  });
  dialog.addEventListener('close', () => {
    reopen.hidden = false;
    returnFocus?.focus();
  });

  return { open: firstLayer, rest: () => (reopen.hidden = false) };
}
