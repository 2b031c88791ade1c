/** The data-subject rights a visitor can exercise through the portal (GDPR Art. 15–18, 20, 21). */
export const requestTypes = ['access', 'rectification', 'erasure', 'portability', 'restriction', 'objection'] as const;
export type RequestType = (typeof requestTypes)[number];
