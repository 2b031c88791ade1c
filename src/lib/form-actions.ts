/**
 * Which posts may run a form action (src/actions). Every action is a form that works with JavaScript off: it posts
 * to its own page (`/{locale}/requests/new?_action=requests.submit`), which shows the result. Posted anywhere else,
 * the action would record a request or a sign-up and send mail while the visitor saw an unrelated page; posted to
 * Astro's RPC route (`/_actions/…`), which no page uses, it would be an undocumented API answering in devalue; posted
 * as anything but a form body (malformed JSON, say), Astro's body parser would throw (500).
 */

/** The page of each action, as the path after the locale. */
export const formActionPages: Readonly<Record<string, string>> = {
  'requests.submit': '/requests/new',
  'consent.saveCookies': '/consent',
  'marketing.signUp': '/consent',
  'marketing.withdraw': '/consent',
  'marketing.confirmCode': '/consent',
};

/** Whether a Content-Type is one a browser sends a form with. */
export function isFormContentType(contentType: string | null | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/x-www-form-urlencoded' || mediaType === 'multipart/form-data';
}

export interface ActionCall {
  calledFrom: 'rpc' | 'form';
  name: string;
  /** The path after the locale (`/requests/new`), or undefined when the path has no locale of ours. */
  pagePath: string | undefined;
  contentType: string | null;
}

/**
 * Why an action call is refused without running: `notFound` (RPC, an unknown action, or the action's form posted to
 * another page) or `unsupportedMediaType` (not a form body); undefined when it may run.
 */
export function actionRefusal(call: ActionCall): 'notFound' | 'unsupportedMediaType' | undefined {
  const page = Object.hasOwn(formActionPages, call.name) ? formActionPages[call.name] : undefined;
  if (call.calledFrom !== 'form' || page === undefined || call.pagePath?.replace(/\/+$/, '') !== page) return 'notFound';
  if (!isFormContentType(call.contentType)) return 'unsupportedMediaType';
  return undefined;
}
