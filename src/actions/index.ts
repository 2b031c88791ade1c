import { consent } from './consent.ts';
import { marketing } from './marketing.ts';

export const server = { consent, marketing };
